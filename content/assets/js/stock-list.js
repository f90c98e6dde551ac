// The stock page: filters and sorts the compact stock index (stock-index.js) and draws result cards
// progressively, each cloned from the page's <template> (overrides/partials/card.html). Filters live in the
// URL query, so that a search can be shared. Words come from the page, never from here. The page holds the first
// cards of the unfiltered list already (overrides/stock.html); the first draw keeps them when it would show the
// same cars, so nothing below the list moves as the script starts.
const FILTERS = ["q", "make", "model", "body", "year_min", "year_max", "price_min", "price_max"];
FILTERS.push("km_min", "km_max", "steering", "transmission", "fuel", "drive", "sort");
const ENUM_FILTERS = { fuel: "f", transmission: "t", drive: "d", steering: "s", body: "b" };
const SORTS = {
  new: (a, b) => b.added - a.added || (a.no < b.no ? -1 : 1),
  price: (a, b) => a.usd - b.usd,
  "-price": (a, b) => b.usd - a.usd,
  "-year": (a, b) => b.year - a.year || b.added - a.added,
  km: (a, b) => a.km - b.km,
};

// On a phone or tablet the filters are a panel behind a "Filters (n)" button (site.css hides the one or the other
// by width): a disclosure, with aria-expanded on the button; opening it moves focus into the panel, and Escape or
// "Show the cars" closes it and returns focus to the button. The filters stay in the URL as on a desktop.
function filterPanel(form) {
  const button = document.getElementById("stock-filters-toggle");
  if (!button) return () => {};
  const setOpen = (open) => {
    form.toggleAttribute("data-open", open);
    button.setAttribute("aria-expanded", String(open));
    if (open) form.focus();
    else if (form.contains(document.activeElement)) button.focus();
  };
  button.addEventListener("click", () => setOpen(!form.hasAttribute("data-open")));
  $("[data-filters-done]", form)?.addEventListener("click", () => setOpen(false));
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && form.hasAttribute("data-open")) setOpen(false);
  });
  // "Filters (n)": how many filters are set; the sort order is not one
  return (n) => {
    button.textContent = fill(button.dataset.label, { n: grouped(n) });
  };
}

// Which index rows the filters show: values are the form's, name → string ("" for not set). Pure, so that the
// saved searches' matching (carjunction/api/alert_filters.py) is tested against it under node.
function stockMatcher(ix, values) {
  const bound = (name) => (values[name] ? Number(values[name]) : null);
  const make = values.make ? ix.makes.indexOf(values.make) : null;
  const model = values.model;
  const text = (values.q || "").trim().toUpperCase();
  const ranges = [
    ["year", bound("year_min"), bound("year_max")],
    ["usd", bound("price_min"), bound("price_max")],
    ["km", bound("km_min"), bound("km_max")],
  ];
  // The enum columns hold each vehicle's code as "a", "b", … by its position in ix.enums.
  const enumChar = (column, value) => {
    const position = ix.enums[column].indexOf(value);
    return position < 0 ? "?" : String.fromCharCode(97 + position);
  };
  const wanted = Object.entries(ENUM_FILTERS)
    .filter(([name]) => values[name])
    .map(([name, column]) => [column, enumChar(column, values[name])]);
  const within = (value, lo, hi) => (lo === null || value >= lo) && (hi === null || value <= hi);
  const inRange = (r) => ranges.every(([key, lo, hi]) => within(r[key], lo, hi));
  const found = (r) => !text || r.no.includes(text) || r.code.includes(text) || r.chassis.includes(text);
  return (r) =>
    (make === null || r.make === make) &&
    (!model || ix.models[r.model] === model) &&
    inRange(r) &&
    wanted.every(([column, char]) => r[column] === char) &&
    found(r);
}

function stockList(form, list) {
  const count = document.getElementById("stock-count");
  const more = document.getElementById("stock-more");
  const templates = { photo: $("template[data-card=photo]"), none: $("template[data-card=none]") };
  const perDraw = Number(list.dataset.perDraw) || 24; // the build's number (generate.CARDS_PER_DRAW)
  const field = (name) => form.elements[name];
  const sayActive = filterPanel(form);
  const active = (value) => FILTERS.filter((name) => name !== "sort" && value(name)).length;
  sayActive(active((name) => query.get(name)));
  let ix = null;
  let rows = [];
  let matches = [];
  let shown = 0;

  function fillModels() {
    const select = field("model");
    const make = ix.makes.indexOf(field("make").value);
    const keep = select.value;
    while (select.options.length > 1) select.remove(1);
    ix.models.forEach((name, m) => {
      if (ix.model_make[m] === make) select.add(new Option(name, name));
    });
    select.disabled = make < 0;
    select.value = keep;
    if (select.value !== keep) select.value = "";
  }

  function matcher() {
    return stockMatcher(ix, Object.fromEntries(FILTERS.map((name) => [name, field(name).value])));
  }

  // How many cards the list keeps for this draw: all it holds (the build's, or an earlier draw's) when they are
  // this draw's first cards, in order; otherwise none, and they go.
  function keptCards() {
    const drawn = $$(":scope > li", list).map((card) => card.dataset.stockNo);
    const first = matches.slice(0, perDraw).map((row) => row.no);
    if (drawn.length && drawn.join() === first.join()) return drawn.length;
    list.textContent = "";
    return 0;
  }

  function drawMore(count = perDraw) {
    const end = Math.min(shown + count, matches.length);
    for (const row of matches.slice(shown, end)) {
      list.append(fromTemplate(templates[row.photo ? "photo" : "none"], cardValues(ix, row)));
    }
    shown = end;
    more.hidden = shown >= matches.length;
    document.dispatchEvent(new Event("cj:rendered"));
  }

  function sayCount() {
    const n = matches.length;
    if (n === 0) count.textContent = count.dataset.none;
    else count.textContent = fill(countWords(count, n), { n: grouped(n) });
  }

  function toQuery() {
    const params = new URLSearchParams();
    for (const name of FILTERS) {
      const value = field(name).value;
      if (value && !(name === "sort" && value === "new")) params.set(name, value);
    }
    const search = params.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
  }

  // A make or model the stock does not hold (a saved search's link, a car sold since) is kept as an option of
  // its own, so the page shows what the search matches (nothing), not every car.
  function choose(name) {
    const select = field(name);
    const value = query.get(name);
    if (value && ![...select.options].some((option) => option.value === value)) select.add(new Option(value, value));
    select.value = value;
  }

  function fromQuery() {
    for (const name of FILTERS) if (name !== "model" && query.has(name)) field(name).value = query.get(name);
    if (query.has("make")) choose("make");
    fillModels();
    if (query.has("model")) choose("model");
  }

  function update() {
    matches = rows.filter(matcher());
    matches.sort(SORTS[field("sort").value] || SORTS.new);
    shown = keptCards();
    sayCount();
    sayActive(active((name) => field(name).value));
    drawMore(shown ? 0 : perDraw);
    list.dataset.ready = "true";
  }

  async function load() {
    count.textContent = count.dataset.loading;
    ix = await fetchStock(list.dataset.index);
    if (!ix) {
      count.textContent = count.dataset.failed;
      return;
    }
    rows = stockRows(ix);
    fromQuery();
    update();
    form.addEventListener("input", (event) => {
      if (event.target === field("make")) fillModels();
      toQuery();
      update();
    });
    form.addEventListener("submit", (event) => event.preventDefault());
    // The reset event comes before the fields are cleared.
    form.addEventListener("reset", () =>
      setTimeout(() => {
        fillModels();
        toQuery();
        update();
      }, 0),
    );
    more.addEventListener("click", () => drawMore());
  }
  return load();
}

starters.push(() => {
  const form = document.getElementById("stock-filters");
  const list = document.getElementById("stock-results");
  return form && list ? stockList(form, list) : undefined;
});

// The count's words for n in the page's language: the build renders them for each plural category the language
// has (data-count-one, -few, -many, -other), and Intl names n's category.
function countWords(count, n) {
  const category = new Intl.PluralRules(document.documentElement.lang || undefined).select(n);
  const key = `count${category[0].toUpperCase()}${category.slice(1)}`;
  return count.dataset[key] || count.dataset.countOther || count.dataset.countMany; // Russian: "other" is for fractions
}
