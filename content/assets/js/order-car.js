// The order page's car: its photo, title, key facts and FOB price, from the stock index the stock page filters,
// drawn with the page's <template data-car-summary> (overrides/order.html) as the stock page draws its cards.
// A car the index does not list was sold or withdrawn before the build, or its number is wrong: the page says
// so and takes no order. A car reserved or sold since the build is live-status.js's to mark. When the index
// cannot be had (offline, a failed deploy), the page says that it cannot show the car, and the order stays
// open: the API checks the car and its price when the buyer confirms. Until then the slot holds a blank copy of the
// block (overrides/order.html), so that nothing below it moves when the car arrives.

// Nothing to order: no sign-in to ask for, the form's buttons off, and the reason said.
function notInStock() {
  for (const element of $$("[data-show=need-member]")) element.remove();
  const form = $("form[data-cj=order]");
  if (!form) return;
  done(form);
  markUnavailable(form);
  say(form, "not-in-stock");
}

// The car could not be drawn: the page's [data-car-say] says so, in the page's words (data-msg="car-unseen").
function carUnseen(slot, stockNo) {
  const car = slot.closest("[data-car]") || document;
  const region = $("[data-car-say]", car);
  if (region) region.textContent = msg(car, "car-unseen", { stock_no: stockNo });
}

async function orderCar(slot, template) {
  const stockNo = (query.get("stock_no") || "").toUpperCase();
  const ix = await fetchStock(template.dataset.index);
  const at = ix ? ix.no.indexOf(stockNo) : -1;
  if (at < 0) {
    slot.replaceChildren(); // no car to show: the blank block goes, and the page says why
    if (ix) notInStock();
    else carUnseen(slot, stockNo);
    return;
  }
  const row = stockRow(ix, at);
  const node = fromTemplate(template, cardValues(ix, row));
  if (!row.photo) {
    // no photo yet: a blank frame of the photo's size keeps the block's shape
    const photo = $("[data-car-photo]", node);
    photo.replaceChildren();
    photo.classList.add("cj-order-car__blank");
  }
  slot.replaceChildren(node);
  slot.removeAttribute("aria-hidden");
  const car = slot.closest("[data-car]");
  if (car) car.dataset.title = $("[data-car-title]", slot).textContent.trim(); // for recently viewed
}

starters.push(() => {
  const slot = $("[data-car-slot]");
  const template = $("template[data-car-summary]");
  return slot && template ? orderCar(slot, template) : undefined;
});
