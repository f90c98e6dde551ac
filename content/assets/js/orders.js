// Ordering a car safely (one key per attempt, retried with the same key), my orders, and one order's
// proforma invoice.

// Lines of a quote: each [data-line] shows when its part applies to the chosen incoterm.
function quoteLines(root, quote) {
  show(root, { quote });
  for (const line of $$("[data-line]", root)) line.hidden = !quote || !quote[line.dataset.line];
}

// One order from the page's <template data-order>, with its history from the nested <template data-step>.
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
    const label = msg(document, `status-${change.status}`);
    if (label) $("[data-field=status]", step).textContent = label;
    stepTemplate.parentNode.append(step);
  }
  return node;
}

async function invoicePage(root) {
  const orderNo = query.get("order") || "";
  const result = /^CJ-[0-9A-Z]{8}$/.test(orderNo) ? await api("GET", "/orders/" + orderNo) : { status: 404 };
  if (result.status !== 200) {
    say(root, { 0: "offline", 401: "signed-out" }[result.status] || "not-found");
    return;
  }
  show(root, result.data);
  quoteLines(root, result.data.quote);
  reveal(root, "invoice");
  const history = $("[data-history]", root);
  if (history) history.append(renderOrder($("template[data-order]"), result.data));
}
starters.push(() => Promise.all($$("[data-invoice-page]").map(invoicePage)));

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// The order form's quote follows its port and incoterm; an older answer that arrives late is dropped.
function followQuote(form, stockNo) {
  const port = form.elements.namedItem("port");
  let asked = 0;
  const update = async () => {
    const incoterm = form.elements.namedItem("incoterm")?.value;
    const mine = ++asked;
    if (!port.value || !stockNo) {
      quoteLines(form, null);
      return;
    }
    const path = `/quote?stock_no=${encodeURIComponent(stockNo)}&port=${port.value}&incoterm=${incoterm}`;
    const result = await api("GET", path);
    if (mine !== asked) return; // a newer choice is on its way
    if (result.status === 200) {
      quoteLines(form, result.data);
    } else if (result.status === 404 && !form.dataset.done) {
      say(form, "no-car"); // unless the page has said why already (not in stock, sold)
      quoteLines(form, null);
    }
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "port" || event.target.name === "incoterm") update();
  });
  update();
}

// Sends the order, retrying with the same key while there is no answer or the first attempt is in progress.
async function placeOrder(form, body, key) {
  const tries = Number(form.dataset.retries || 4);
  for (let attempt = 0; ; attempt++) {
    const result = await api("POST", "/orders", { ...body, idempotency_key: key });
    const again = unanswered(result) || errorOf(result).code === "in_progress";
    if (!again || attempt >= tries) return result;
    say(form, "retrying");
    await sleep(400 * 2 ** attempt);
  }
}

async function prefillOrder(form, stockNo) {
  const car = $("[data-car]");
  form.elements.namedItem("stock_no").value = stockNo;
  if (car) {
    car.dataset.stockNo = stockNo;
    car.dataset.title = stockNo;
    show(car, { stock_no: stockNo });
  }
  // The sign-in prompt shows from the first paint, where the form will be; a member's form replaces it.
  const member = await meIfSignedIn();
  if (member.status === 200) {
    reveal(document, "need-member", false);
    reveal(form, "form");
    form.elements.namedItem("country").dataset.value = member.data.country;
    form.elements.namedItem("port").dataset.value = member.data.port;
    setFields(form, { "consignee.name": member.data.name, "consignee.telephone": member.data.telephone });
  }
  await countryPorts(form);
}

forms.order = async (form) => {
  const stockNo = (query.get("stock_no") || "").toUpperCase();
  await prefillOrder(form, stockNo);
  followQuote(form, stockNo);
  let key = null;
  form.addEventListener("input", () => {
    if (!form.dataset.busy) key = null; // a changed order is a new attempt
  });
  onSubmit(form, async (body) => {
    key = key || newKey();
    const result = await placeOrder(form, body, key);
    // 201 is a new reservation; 200 is the one this member already holds (an answer lost on the way back)
    if (result.status === 201 || result.status === 200) {
      done(form);
      say(form, "ordered");
      location.assign(form.dataset.next + "?order=" + encodeURIComponent(result.data.order_no));
      return;
    }
    const { code } = errorOf(result);
    if (result.status === 409 && code === "vehicle_unavailable") {
      done(form);
      markUnavailable(form);
      say(form, "taken");
    } else if (result.status === 409 && code === "reservation_limit") {
      key = null;
      say(form, "reservation-limit");
    } else if (unanswered(result)) {
      // The car may be reserved already: the next press must send the same key, which returns that order
      // instead of a 409 for the buyer's own car.
      say(form, result.status === 0 ? "offline" : "unavailable");
    } else {
      if (result.status !== 429) key = null; // a definite answer ends this attempt; a 429 placed nothing
      sayError(form, result);
    }
  });
};

starters.push(() => {
  for (const button of $$("[data-print]")) button.addEventListener("click", () => print());
});
