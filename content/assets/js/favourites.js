// Favourites and recently viewed cars: localStorage only, never a cookie.
const FAVOURITES = "cj.favourites";
const RECENT = "cj.recent";

function carOf(element) {
  const car = element.closest("[data-stock-no]");
  const url = car.dataset.url || location.pathname + location.search;
  return { stock_no: car.dataset.stockNo, title: car.dataset.title || car.dataset.stockNo, url };
}

function favouriteButton(button) {
  const saved = () => store.get(FAVOURITES).some((c) => c.stock_no === carOf(button).stock_no);
  const sync = () => button.setAttribute("aria-pressed", String(saved()));
  sync();
  button.hidden = false;
  button.addEventListener("click", () => {
    const car = carOf(button);
    const list = store.get(FAVOURITES).filter((c) => c.stock_no !== car.stock_no);
    if (button.getAttribute("aria-pressed") !== "true") list.unshift(car);
    store.set(FAVOURITES, list);
    sync();
    drawHead(); // the header's count; other tabs hear the storage event
  });
}

function rememberViewed() {
  const viewed = $("[data-viewed]");
  if (!viewed || !viewed.dataset.stockNo) return;
  const car = carOf(viewed);
  store.set(RECENT, [car, ...store.get(RECENT).filter((c) => c.stock_no !== car.stock_no)].slice(0, 12));
}

// A [data-list] draws its cars from its own <template>.
function drawList(list) {
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

function favourites() {
  $$("[data-favourite]").forEach(favouriteButton);
  rememberViewed();
  $$("[data-list]").forEach(drawList);
}
