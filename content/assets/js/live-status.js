// Live status of stock (reserved or sold since the build), from GET /api/stock/status, once per page.
// Contract with the templates: an element with data-stock-no is a car; inside it, [data-show-when="reserved|sold"]
// is revealed and a[data-order-link] / [data-order-button] are disabled. A page that draws its cars later (the
// stock list) dispatches "cj:rendered" on document after each redraw.

// A finished form keeps its buttons disabled (see onSubmit).
const done = (form) => {
  form.dataset.done = "1";
};
function markUnavailable(form) {
  for (const button of $$("button[type=submit]", form)) button.disabled = true;
}

function markCar(car, live) {
  car.dataset.live = live;
  for (const element of $$(`[data-show-when="${live}"]`, car)) element.hidden = false;
  for (const link of $$("a[data-order-link]", car)) {
    link.removeAttribute("href");
    link.setAttribute("aria-disabled", "true");
  }
  for (const button of $$("[data-order-button]", car)) button.disabled = true;
  const form = $("form[data-cj=order]", car);
  if (form) {
    done(form);
    markUnavailable(form);
    say(form, "live-" + live);
  }
}

let stockStatus = null;
async function liveStatus() {
  if (!$("[data-stock-no]")) return;
  stockStatus = stockStatus || api("GET", "/stock/status");
  const result = await stockStatus;
  if (result.status !== 200) return;
  const states = new Map([
    ...result.data.reserved.map((no) => [no, "reserved"]),
    ...result.data.sold.map((no) => [no, "sold"]),
  ]);
  for (const car of $$("[data-stock-no]")) {
    const live = states.get(car.dataset.stockNo);
    if (live && !car.dataset.live) markCar(car, live);
  }
}
document.addEventListener("cj:rendered", () => liveStatus());
