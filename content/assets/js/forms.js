// The buyer's forms, live stock status, favourites and recently viewed cars.
// Progressive enhancement of plain HTML: every word a buyer reads is in the page (data-msg elements,
// data-error attributes, <template>s); this file only moves JSON between those elements and /api.
// It is on every page, so it holds only what the stock, vehicle, inquiry, order and invoice pages need; the
// member pages add members.js (deferred, earlier in the page, so it runs first and hands its forms over in
// window.cjForms), which keeps a vehicle page's own scripts inside its 20 KB budget.
(() => {
  "use strict";
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
  const query = new URLSearchParams(location.search);
  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
  const store = {
    get: (key) => { try { return JSON.parse(localStorage.getItem(key)) || []; } catch { return []; } },
    set: (key, list) => { try { localStorage.setItem(key, JSON.stringify(list)); } catch { /* private mode */ } },
  };

  // --- talking to the API --------------------------------------------------------------------------
  async function api(method, path, body) {
    const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch("/api" + path, init);
    } catch {
      return { status: 0, data: null }; // offline, DNS, connection reset
    }
    let data = null;
    try { data = response.status === 204 ? null : await response.json(); } catch { /* not JSON */ }
    return { status: response.status, data };
  }
  const errorOf = (result) => (result.data && result.data.error) || { code: "", fields: {} };

  // --- words from the page -------------------------------------------------------------------------
  // {name} in a message is replaced by the value of the same name (never HTML: textContent only).
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, key) => (values && key in values ? values[key] : all));
  function msg(root, key, values) {
    const el = $(`[data-msg="${key}"]`, root) || $(`[data-msg="${key}"]`);
    return el ? fill(el.textContent.trim(), values) : "";
  }
  function say(root, key, values) {
    const region = root === document ? $("[data-say=page]") : $("[data-say]", root) || $("[data-say]");
    if (!region) return;
    region.textContent = key ? msg(root, key, values) : "";
    region.dataset.kind = key || "";
  }
  // Put values into [data-field] elements; "a.b" reads nested values.
  function show(root, values) {
    for (const el of $$("[data-field]", root)) {
      const value = el.dataset.field.split(".").reduce((v, k) => (v == null ? v : v[k]), values);
      if (value != null && typeof value !== "object") el.textContent = String(value);
    }
  }
  const reveal = (root, name, on = true) => $$(`[data-show="${name}"]`, root).forEach((el) => { el.hidden = !on; });

  // --- fields and their errors ---------------------------------------------------------------------
  function clearErrors(form) {
    for (const field of $$("[aria-invalid]", form)) field.removeAttribute("aria-invalid");
    for (const note of $$(".cj-error", form)) note.hidden = true;
  }
  function fieldError(form, name, apiText) {
    const field = form.elements.namedItem(name);
    if (!field || !field.id) return null;
    const id = field.id + "-error";
    let note = document.getElementById(id);
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "cj-error";
      (field.closest("label, .cj-field") || field).after(note);
      field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + id).trim());
    }
    note.textContent = field.dataset.error || apiText || msg(form, "invalid");
    note.hidden = false;
    field.setAttribute("aria-invalid", "true");
    return field;
  }
  function showErrors(form, fields) {
    clearErrors(form);
    const shown = Object.entries(fields || {}).map(([name, text]) => fieldError(form, name, text)).filter(Boolean);
    if (shown.length) shown[0].focus();
    return shown.length > 0;
  }
  function checkFields(form) {
    const bad = {};
    for (const field of form.elements) if (field.name && field.willValidate && !field.checkValidity()) bad[field.name] = "";
    return showErrors(form, bad) ? false : true;
  }
  // Dotted names become nested objects (consignee.name); empty optional fields are left out.
  function formBody(form) {
    const body = {};
    for (const field of form.elements) {
      if (!field.name || field.disabled || field.dataset.local !== undefined || field.type === "submit") continue;
      if (field.type === "radio" && !field.checked) continue;
      const value = field.type === "checkbox" ? field.checked : field.value.trim();
      if (value === "" && !field.required) continue;
      const path = field.name.split(".");
      let target = body;
      for (const part of path.slice(0, -1)) target = target[part] = target[part] || {};
      target[path[path.length - 1]] = value;
    }
    return body;
  }
  function setFields(form, values) {
    for (const [name, value] of Object.entries(values || {})) {
      const field = form.elements.namedItem(name);
      if (!field || value == null) continue;
      if (field.type === "checkbox") field.checked = Boolean(value);
      else if (!field.value || form.dataset.overwrite !== undefined) {
        field.value = value;
        field.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  }
  // A generic answer to the errors every form can get.
  function sayError(form, result) {
    const error = errorOf(result);
    if (result.status === 422 || result.status === 400) {
      if (showErrors(form, error.fields)) return say(form, "fix");
    }
    const known = { 0: "offline", 401: "signed-out", 404: "not-found", 409: "conflict", 413: "too-large", 429: "busy", 503: "unavailable" };
    say(form, known[result.status] || "error");
  }
  const me = () => api("GET", "/me");

  // --- countries and ports -------------------------------------------------------------------------
  // The build's shipping.json (shared with the calculator) is columns: countries [code, name, …], ports
  // [code, name, country, …]; the forms need each country with its ports, and countries with none left out.
  let shipping;
  const byCountry = (data) => ({
    countries: data.countries
      .map(([code, name]) => ({ code, name, ports: data.ports.filter((p) => p[2] === code).map(([pc, pn]) => ({ code: pc, name: pn })) }))
      .filter((c) => c.ports.length),
  });
  const loadShipping = () =>
    (shipping = shipping || fetch("/assets/data/shipping.json").then((r) => r.json()).then(byCountry));
  async function countryPorts(form) {
    const country = form.elements.namedItem("country");
    const port = form.elements.namedItem("port");
    if (!country || country.tagName !== "SELECT") return;
    const data = await loadShipping();
    for (const c of data.countries) country.add(new Option(c.name, c.code));
    const fillPorts = () => {
      if (!port) return;
      const keep = port.value;
      while (port.options.length > 1) port.remove(1); // keeps the "choose" option written in the page
      const chosen = data.countries.find((c) => c.code === country.value);
      for (const p of chosen ? chosen.ports : []) port.add(new Option(p.name, p.code));
      port.value = chosen && chosen.ports.some((p) => p.code === keep) ? keep : chosen && chosen.ports.length === 1 ? chosen.ports[0].code : "";
      port.dispatchEvent(new Event("change", { bubbles: true }));
    };
    country.addEventListener("change", fillPorts);
    const preset = country.dataset.value || "";
    if (preset) country.value = preset;
    fillPorts();
  }

  // --- one submit for every form, with a busy guard --------------------------------------------------
  function onSubmit(form, send) {
    form.noValidate = true; // our own messages, next to each field
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form.dataset.busy) return;
      if (!checkFields(form)) return say(form, "fix");
      const buttons = $$("button[type=submit], button:not([type])", form);
      form.dataset.busy = "1";
      buttons.forEach((b) => { b.disabled = true; });
      say(form, "sending");
      try {
        await send(formBody(form), event.submitter);
      } finally {
        delete form.dataset.busy;
        if (!form.dataset.done) buttons.forEach((b) => { b.disabled = false; });
      }
    });
  }
  const done = (form) => { form.dataset.done = "1"; };

  const forms = {
    async inquiry(form) {
      const stockNo = query.get("stock_no");
      const stockField = form.elements.namedItem("stock_no");
      if (stockNo && stockField) stockField.value = stockNo.toUpperCase();
      reveal(form, "about-car", Boolean(stockNo));
      show(form, { stock_no: stockNo });
      await countryPorts(form);
      const member = await me();
      if (member.status === 200) setFields(form, member.data); // a 401 is a guest: leave it empty
      onSubmit(form, async (body) => {
        const result = await api("POST", "/inquiries", body);
        if (result.status === 201) { form.reset(); say(form, "sent", result.data); } else sayError(form, result);
      });
    },
    order: (form) => orderForm(form),
    "invoice-check"(form) {
      const code = query.get("code");
      if (code) form.elements.namedItem("code").value = code;
      onSubmit(form, async (body) => {
        reveal(document, "genuine", false);
        reveal(document, "fake", false);
        const result = await api("GET", "/invoices/" + encodeURIComponent(body.code.toUpperCase()));
        if (result.status === 200 && result.data.genuine) { show(document, result.data); reveal(document, "genuine"); say(form, ""); }
        else if (result.status === 404) { reveal(document, "fake"); say(form, ""); }
        else if (result.status === 422) { showErrors(form, { code: "" }); say(form, "fix"); }
        else sayError(form, result);
      });
    },
  };

  // --- my orders and one order (the proforma invoice) ------------------------------------------------
  function renderOrder(template, order) {
    const node = template.content.cloneNode(true);
    show(node, order);
    const link = $("a[data-invoice]", node);
    if (link) link.href += "?order=" + encodeURIComponent(order.order_no);
    quoteLines(node, order.quote);
    reveal(node, "shipment", Boolean(order.shipment)); // vessel, voyage and B/L, once staff record them
    const stepTemplate = $("template[data-step]", node);
    for (const change of order.history || []) {
      const step = stepTemplate.content.cloneNode(true);
      show(step, change);
      const label = $(`[data-msg="status-${change.status}"]`);
      if (label) $("[data-field=status]", step).textContent = label.textContent.trim();
      stepTemplate.parentNode.append(step);
    }
    return node;
  }
  // Lines of a quote: each [data-line] shows when its part applies to the chosen incoterm.
  function quoteLines(root, quote) {
    show(root, { quote });
    for (const line of $$("[data-line]", root)) line.hidden = !quote || !quote[line.dataset.line];
  }
  async function invoicePage(root) {
    const orderNo = query.get("order") || "";
    const result = /^CJ-[0-9A-Z]{8}$/.test(orderNo) ? await api("GET", "/orders/" + orderNo) : { status: 404 };
    if (result.status !== 200) return say(root, result.status === 401 ? "signed-out" : result.status === 0 ? "offline" : "not-found");
    show(root, result.data);
    quoteLines(root, result.data.quote);
    reveal(root, "invoice");
    const history = $("[data-history]", root);
    if (history) history.append(renderOrder($("template[data-order]"), result.data));
  }

  // --- ordering a car, safely: one key per attempt, retries with the same key ----------------------------
  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  async function orderForm(form) {
    const stockNo = (query.get("stock_no") || "").toUpperCase();
    const car = $("[data-car]");
    form.elements.namedItem("stock_no").value = stockNo;
    if (car) { car.dataset.stockNo = stockNo; car.dataset.title = stockNo; show(car, { stock_no: stockNo }); }
    const member = await me();
    if (member.status !== 200) { reveal(document, "need-member"); reveal(form, "form", false); }
    else {
      const country = form.elements.namedItem("country");
      country.dataset.value = member.data.country;
      form.elements.namedItem("port").dataset.value = member.data.port;
      setFields(form, { "consignee.name": member.data.name, "consignee.telephone": member.data.telephone });
    }
    await countryPorts(form);
    const port = form.elements.namedItem("port");
    if (member.status === 200 && [...port.options].some((o) => o.value === member.data.port)) port.value = member.data.port;
    let asked = 0;
    const updateQuote = async () => {
      const incoterm = (form.elements.namedItem("incoterm") || {}).value;
      const mine = ++asked;
      if (!port.value || !stockNo) return quoteLines(form, null);
      const result = await api("GET", `/quote?stock_no=${encodeURIComponent(stockNo)}&port=${port.value}&incoterm=${incoterm}`);
      if (mine !== asked) return; // a newer choice is on its way
      if (result.status === 200) quoteLines(form, result.data);
      else if (result.status === 404) { say(form, "no-car"); quoteLines(form, null); }
    };
    form.addEventListener("change", (e) => { if (e.target.name === "port" || e.target.name === "incoterm") updateQuote(); });
    updateQuote();

    let key = null;
    form.addEventListener("input", () => { if (!form.dataset.busy) key = null; }); // a changed order is a new attempt
    onSubmit(form, async (body) => {
      const tries = Number(form.dataset.retries || 4);
      key = key || newKey();
      let result;
      for (let attempt = 0; ; attempt++) {
        result = await api("POST", "/orders", { ...body, idempotency_key: key });
        if (!unanswered(result) && errorOf(result).code !== "in_progress") break;
        if (attempt >= tries) break;
        say(form, "retrying");
        await sleep(400 * 2 ** attempt);
      }
      // 201 is a new reservation; 200 is the one this member already holds (an answer lost on the way back)
      if (result.status === 201 || result.status === 200) {
        done(form);
        say(form, "ordered");
        location.assign(form.dataset.next + "?order=" + encodeURIComponent(result.data.order_no));
        return;
      }
      const code = errorOf(result).code;
      if (result.status === 409 && code === "vehicle_unavailable") { done(form); markUnavailable(form); return say(form, "taken"); }
      if (result.status === 409 && code === "reservation_limit") { key = null; return say(form, "reservation-limit"); }
      // With no answer, or a 5xx, the car may be reserved already: the next press must send the same key, which
      // returns that order instead of a 409 for the buyer's own car. A 429 placed nothing: the same key is fine.
      if (unanswered(result)) return say(form, result.status === 0 ? "offline" : "unavailable");
      if (result.status !== 429) key = null; // a definite answer ends this attempt
      sayError(form, result);
    });
  }
  const unanswered = (result) => result.status === 0 || result.status >= 500;
  function markUnavailable(form) {
    $$("button[type=submit]", form).forEach((b) => { b.disabled = true; });
  }

  // --- live status of stock (reserved / sold) ------------------------------------------------------------
  // Contract with the site's templates: any element with data-stock-no is a car; inside it,
  // [data-show-when="reserved|sold"] is revealed and a[data-order-link] / [data-order-button] are disabled.
  // A page that draws its cars later (the stock list) dispatches "cj:rendered" on document after each redraw.
  let status;
  async function liveStatus() {
    if (!$("[data-stock-no]")) return;
    status = status || api("GET", "/stock/status"); // once per page
    const result = await status;
    if (result.status !== 200) return;
    const state = {};
    for (const no of result.data.reserved) state[no] = "reserved";
    for (const no of result.data.sold) state[no] = "sold";
    for (const car of $$("[data-stock-no]")) {
      const live = state[car.dataset.stockNo];
      if (!live || car.dataset.live) continue;
      car.dataset.live = live;
      $$(`[data-show-when="${live}"]`, car).forEach((el) => { el.hidden = false; });
      for (const link of $$("a[data-order-link]", car)) {
        link.removeAttribute("href");
        link.setAttribute("aria-disabled", "true");
      }
      $$("[data-order-button]", car).forEach((b) => { b.disabled = true; });
      const form = $("form[data-cj=order]", car);
      if (form) { done(form); markUnavailable(form); say(form, "live-" + live); }
    }
  }
  document.addEventListener("cj:rendered", () => liveStatus());

  // --- favourites and recently viewed (localStorage only; never a cookie) ---------------------------------
  const FAVOURITES = "cj.favourites";
  const RECENT = "cj.recent";
  const carOf = (el) => {
    const car = el.closest("[data-stock-no]");
    return { stock_no: car.dataset.stockNo, title: car.dataset.title || car.dataset.stockNo, url: car.dataset.url || location.pathname + location.search };
  };
  function favourites() {
    for (const button of $$("[data-favourite]")) {
      const sync = () => button.setAttribute("aria-pressed", String(store.get(FAVOURITES).some((c) => c.stock_no === carOf(button).stock_no)));
      sync();
      button.hidden = false;
      button.addEventListener("click", () => {
        const car = carOf(button);
        const list = store.get(FAVOURITES).filter((c) => c.stock_no !== car.stock_no);
        if (button.getAttribute("aria-pressed") !== "true") list.unshift(car);
        store.set(FAVOURITES, list);
        sync();
      });
    }
    const viewed = $("[data-viewed]");
    if (viewed && viewed.dataset.stockNo) {
      const car = carOf(viewed);
      store.set(RECENT, [car, ...store.get(RECENT).filter((c) => c.stock_no !== car.stock_no)].slice(0, 12));
    }
    for (const list of $$("[data-list]")) {
      const cars = store.get(list.dataset.list === "favourites" ? FAVOURITES : RECENT);
      const template = $("template", list);
      for (const car of cars) {
        const node = template.content.cloneNode(true);
        show(node, car);
        const link = $("a", node);
        if (link && car.url.startsWith("/")) link.href = car.url; // only our own pages
        list.append(node);
      }
      reveal(list.parentNode, "empty", cars.length === 0);
    }
  }

  // --- start --------------------------------------------------------------------------------------------
  // What members.js (and any later page script) builds its forms from.
  const kit = { $, $$, query, api, errorOf, say, show, reveal, setFields, sayError, me, countryPorts, onSubmit, done, renderOrder };
  async function start() {
    for (const add of window.cjForms || []) Object.assign(forms, add(kit));
    // A form whose script is missing (members.js not loaded) stays plain HTML rather than stopping the others.
    const work = $$("form[data-cj]").map((form) => (forms[form.dataset.cj] || (() => {}))(form));
    for (const root of $$("[data-invoice-page]")) work.push(invoicePage(root));
    for (const button of $$("[data-print]")) button.addEventListener("click", () => print());
    await Promise.all(work); // the order page learns its car's stock number first
    favourites();
    await liveStatus();
    document.documentElement.dataset.formsReady = "1"; // tests wait for this
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
