// Saved searches ("alerts", issue 19): the stock page's "Tell me about new cars like these" button, the list in My
// account, and the way back to the same filters for a guest who must sign in first. Every word is the page's.

// The filters a search keeps: the stock page's, but not its sort order (carjunction.api.alert_filters).
const SEARCH_FIELDS = ["q", "make", "model", "body", "year_min", "year_max", "price_min", "price_max"];
SEARCH_FIELDS.push("km_min", "km_max", "steering", "transmission", "fuel", "drive");
const SEARCH_NUMBERS = ["year_min", "year_max", "price_min", "price_max", "km_min", "km_max"];
const SEARCH_LABELLED = ["steering", "transmission", "fuel", "drive"]; // named by the form's labels, after the rest
const SEARCH_NAME_MAX = 60; // the API's limit on a name

// A guest's press is remembered on this device ("cj.return") while they sign in by a mailed link, which may open in
// another tab: only a stock page's own path and query, for two days at most, removed once used.
const SEARCH_RETURN = "cj.return";
const SEARCH_RETURN_MS = 48 * 3600 * 1000;
const STOCK_PATH = /^\/(?:[a-z]{2}(?:-[a-zA-Z]{2,4})?\/)?stock\/(?:\?[^#\\]*)?$/;

function forgetReturn() {
  try {
    localStorage.removeItem(SEARCH_RETURN);
  } catch {
    // nothing kept
  }
}

function keepReturn() {
  try {
    localStorage.setItem(SEARCH_RETURN, JSON.stringify({ path: location.pathname + location.search, at: Date.now() }));
  } catch {
    // private mode: the guest comes back to My account, and presses again from the stock page
  }
}

// The stock search a guest asked to save, if it is recent and a stock page of this site: never a way to send a
// signed-in buyer to another site (the check holds even if something else wrote the key).
function stockReturn() {
  let kept = null;
  try {
    kept = JSON.parse(localStorage.getItem(SEARCH_RETURN));
  } catch {
    return null;
  }
  const path = typeof kept?.path === "string" ? kept.path : "";
  const fresh = Date.now() - Number(kept?.at) < SEARCH_RETURN_MS;
  if (!fresh || !STOCK_PATH.test(path) || new URL(path, location.origin).origin !== location.origin) {
    if (kept) forgetReturn();
    return null;
  }
  return path;
}

// The filters the buyer sees: the form's once the stock list has read the address into it, else the address's
// (the script may still be loading the stock). Empty ones are left out; numbers go as numbers.
function searchFilters(form) {
  const ready = Boolean($("#stock-results[data-ready]"));
  const address = new URLSearchParams(location.search);
  const value = (name) => (ready && form ? form.elements[name]?.value : address.get(name)) || "";
  const filters = {};
  for (const name of SEARCH_FIELDS) {
    const text = value(name).trim();
    const number = Number(text);
    if (text) filters[name] = SEARCH_NUMBERS.includes(name) && Number.isFinite(number) ? number : text;
  }
  if (!filters.make) delete filters.model; // the page offers a model only within a make
  return filters;
}

// A name in the page's language from the filters: the labels of the form's own choices and the page's patterns.
function searchName(box, form, filters) {
  const label = (name) => {
    const options = [...(form?.elements[name]?.options || [])];
    return options.find((option) => option.value === filters[name])?.textContent.trim() || filters[name];
  };
  // "2015–2020", "≥ 2015", "≤ US$9,000": each number in the page's pattern for its unit
  const range = (low, high, pattern, format) => {
    const shown = (n) => (n === undefined ? "" : fill(box.dataset[pattern] || "{n}", { n: format(n) }));
    const [lo, hi] = [shown(filters[low]), shown(filters[high])];
    if (lo && hi) return `${lo}–${hi}`;
    if (lo || hi) return lo ? `≥ ${lo}` : `≤ ${hi}`;
    return "";
  };
  const parts = [filters.make, filters.model, filters.body && label("body")];
  if (filters.q) parts.push(fill(box.dataset.nameQ || "{q}", { q: filters.q }));
  parts.push(range("year_min", "year_max", "nameYear", String));
  parts.push(range("price_min", "price_max", "namePrice", grouped));
  parts.push(range("km_min", "km_max", "nameKm", grouped));
  parts.push(...SEARCH_LABELLED.map((name) => filters[name] && label(name)));
  const name = [...(parts.filter(Boolean).join(" · ") || box.dataset.nameAll || "*")]; // characters, as the API counts
  return name.length > SEARCH_NAME_MAX ? name.slice(0, SEARCH_NAME_MAX - 1).join("") + "…" : name.join("");
}

// Several of the page's messages in one live region, as one announcement.
function sayAll(root, keys, values) {
  const region = $("[data-say]", root);
  if (!region) return;
  region.textContent = keys.map((key) => msg(root, key, values)).join(" ");
  region.dataset.kind = keys[0] || "";
}

const searchError = (result) =>
  ({ 0: "offline", 422: "alert-invalid", 400: "alert-invalid", 429: "busy" })[result.status] || "error";

// The member's updates, as GET /api/me/alerts names them: alert mails go only while they are "on".
function updatesOf(member) {
  if (member.updates_opt_in) return "on";
  return member.updates_pending ? "pending" : "off";
}

function revealUpdates(root, state) {
  for (const name of ["on", "pending", "off"]) reveal(root, "alerts-updates-" + name, name === state);
}

function guestSearch(box) {
  keepReturn();
  say(box, "alert-guest");
  reveal(box, "alert-guest");
}

// The outcome, and what stands between this search and its mails when updates are not on.
async function saidWithUpdates(box, key, alert) {
  const member = await me();
  const updates = member.status === 200 ? updatesOf(member.data) : "on";
  const keys = updates === "on" ? [key] : [key, "updates-" + updates];
  sayAll(box, keys, { name: alert.name });
  reveal(box, "alert-updates", updates === "off");
}

async function tooMany(box) {
  const list = await api("GET", "/me/alerts");
  if (list.status === 200) say(box, "too_many_alerts", { limit: grouped(list.data.limit) });
  else say(box, "too_many_alerts-unsaid");
}

async function saveSearch(box, form) {
  for (const name of ["alert-guest", "alert-updates", "alert-account"]) reveal(box, name, false);
  const filters = searchFilters(form); // none at all is a search too: every new car
  if (memberFlag() === false) {
    guestSearch(box); // no request: this device holds no session
    return;
  }
  say(box, "sending");
  const result = await api("POST", "/me/alerts", { name: searchName(box, form, filters), filters });
  if (result.status === 401) {
    guestSearch(box);
  } else if (result.status === 201 || result.status === 200) {
    reveal(box, "alert-account");
    await saidWithUpdates(box, result.status === 201 ? "alert-saved" : "alert-exists", result.data);
  } else if (result.status === 409 && errorOf(result).code === "too_many_alerts") {
    reveal(box, "alert-account");
    await tooMany(box);
  } else {
    say(box, searchError(result));
  }
}

// The existing PATCH /api/me mails the link that confirms updates (double opt-in).
async function askUpdates(box, button) {
  if (button.dataset.busy) return;
  button.dataset.busy = "1";
  say(box, "asking");
  const result = await api("PATCH", "/me", { updates_opt_in: true });
  delete button.dataset.busy;
  if (result.status !== 200) {
    say(box, result.status === 401 ? "signed-out" : searchError(result));
    return;
  }
  reveal(box, "alert-updates", false);
  $("[data-alert-button]", box)?.focus(); // the pressed button is gone: keep the keyboard near
  say(box, result.data.updates_opt_in ? "updates-now-on" : "updates-asked");
}

async function stockAlert(box) {
  const form = document.getElementById("stock-filters");
  const button = $("[data-alert-button]", box);
  // A press while one is on its way does nothing; the button is not disabled, which would take its focus away.
  let busy = false;
  const press = async () => {
    if (busy) return;
    busy = true;
    try {
      await saveSearch(box, form);
    } finally {
      busy = false;
    }
  };
  button.addEventListener("click", press);
  const updates = $("[data-alert-updates]", box);
  updates?.addEventListener("click", () => askUpdates(box, updates));
  // Back from signing in to save this search: it is saved once, here, with no second press.
  if (memberFlag() === true && stockReturn() === location.pathname + location.search) {
    forgetReturn();
    await press();
  }
}

starters.push(() => {
  const box = $("[data-alert-save]");
  return box ? stockAlert(box) : undefined;
});

// --- My account: the member's saved searches, each renamed, paused or resumed, and deleted in place.

// The name goes into [data-alert-name], not [data-field=name]: the account form fills the member's own name into
// every data-field="name" of the page.
function drawAlert(item, alert) {
  for (const element of $$("[data-alert-name]", item)) element.textContent = alert.name;
  const link = $("a[data-alert-link]", item);
  if (link) link.href = link.dataset.base + (alert.query ? "?" + alert.query : "");
  reveal(item, "alert-paused", alert.paused);
  reveal(item, "alert-active", !alert.paused);
  item.dataset.name = alert.name;
  item.dataset.paused = alert.paused ? "1" : "";
}

// One request for an item at a time; the item's own buttons wait for it. Disabling the pressed button takes the
// focus away: it gets it back, unless the outcome moves it on (renamed, deleted).
async function alertRequest(item, send) {
  if (item.dataset.busy) return null;
  item.dataset.busy = "1";
  const focused = document.activeElement;
  const buttons = $$("button", item);
  for (const button of buttons) button.disabled = true;
  try {
    return await send();
  } finally {
    delete item.dataset.busy;
    for (const button of buttons) button.disabled = false;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (lost && item.contains(focused)) focused.focus();
  }
}

function alertCount(section) {
  const n = $$("[data-alert-id]", section).length;
  show(section, { alerts_count: grouped(n) });
  reveal(section, "no-alerts", n === 0);
  reveal(section, "some-alerts", n > 0);
}

function renameAlert(section, item, alert) {
  const open = $("[data-alert-rename]", item);
  const form = $("form[data-alert-rename-form]", item);
  const input = form.elements.namedItem("name");
  input.id = "alert-name-" + alert.alert_id;
  $("label", form).htmlFor = input.id;
  form.id = "alert-rename-" + alert.alert_id;
  open.setAttribute("aria-controls", form.id);
  const close = () => {
    form.hidden = true;
    open.setAttribute("aria-expanded", "false");
    open.focus();
  };
  open.addEventListener("click", () => {
    form.hidden = false;
    open.setAttribute("aria-expanded", "true");
    input.value = item.dataset.name;
    clearErrors(form);
    input.focus();
    input.select();
  });
  $("[data-alert-cancel]", form).addEventListener("click", close);
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
  form.noValidate = true;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = input.value.trim();
    if (!name || name.length > SEARCH_NAME_MAX) {
      showErrors(form, ["name"]);
      say(section, "fix");
      return;
    }
    const path = "/me/alerts/" + encodeURIComponent(alert.alert_id);
    const result = await alertRequest(item, () => api("PATCH", path, { name }));
    if (!result) return;
    if (result.status === 200) {
      drawAlert(item, result.data);
      close();
      say(section, "alert-renamed", { name: result.data.name });
    } else if (result.status === 422) {
      showErrors(form, ["name"]);
      say(section, "fix");
    } else {
      alertFailed(section, item, result);
    }
  });
}

function alertFailed(section, item, result) {
  if (result.status === 404) {
    alertGone(section, item); // erased meanwhile, from another device
    say(section, "not-found");
  } else {
    say(section, { 0: "offline", 401: "signed-out", 429: "busy", 503: "unavailable" }[result.status] || "error");
  }
}

// The item leaves; the keyboard goes on to the next one, or to the section's heading.
function alertGone(section, item) {
  const next = item.nextElementSibling || item.previousElementSibling;
  item.remove();
  alertCount(section);
  const target = next ? $("button", next) : $("[data-alerts-heading]", section) || $("h2#alerts");
  target?.focus();
}

function alertItem(section, template, alert) {
  const item = template.content.firstElementChild.cloneNode(true);
  item.dataset.alertId = alert.alert_id;
  const link = $("a[data-alert-link]", item);
  if (link) link.dataset.base = link.getAttribute("href").split("?")[0];
  drawAlert(item, alert);
  const path = "/me/alerts/" + encodeURIComponent(alert.alert_id);
  renameAlert(section, item, alert);
  const pause = $("[data-alert-pause]", item);
  pause.addEventListener("click", async () => {
    const paused = !item.dataset.paused;
    const result = await alertRequest(item, () => api("PATCH", path, { paused }));
    if (!result) return;
    if (result.status !== 200) {
      alertFailed(section, item, result);
      return;
    }
    drawAlert(item, result.data);
    pause.focus(); // disabled while it was sent, which took the focus away
    say(section, result.data.paused ? "alert-paused" : "alert-resumed", { name: result.data.name });
  });
  $("[data-alert-delete]", item).addEventListener("click", async () => {
    const result = await alertRequest(item, () => api("DELETE", path));
    if (!result) return;
    if (result.status === 204 || result.status === 404) {
      say(section, "alert-deleted", { name: item.dataset.name });
      alertGone(section, item);
    } else {
      alertFailed(section, item, result);
    }
  });
  return item;
}

async function alertList(section) {
  const result = await api("GET", "/me/alerts");
  if (result.status !== 200) return; // signed out: the page says so already
  const list = $("[data-alert-list]", section);
  const template = $("template[data-alert]", section);
  for (const alert of result.data.alerts) list.append(alertItem(section, template, alert));
  show(section, { alerts_limit: grouped(result.data.limit) });
  reveal(section, "alerts-limit");
  revealUpdates(section, result.data.updates);
  alertCount(section);
}

starters.push(() => {
  const section = $("[data-alerts]");
  return section ? alertList(section) : undefined;
});
