// The stock page: filters and sorts the compact stock index (carjunction/site/stock_index.py) and draws result
// cards progressively, each cloned from the page's <template> (overrides/partials/card.html). Filters live in the
// URL query, so that a search can be shared. Words come from the page, never from here.
const CARDS_PER_DRAW = 24;
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

// The index's columns as one record per vehicle.
function stockRows(index) {
  const epochDays = Date.parse(index.epoch) / 86400000;
  return index.no.map((no, i) => {
    const code = index.codes[index.mc[i]];
    const chassis = index.ch[i];
    return {
      no,
      model: index.md[i],
      make: index.model_make[index.md[i]],
      code,
      chassis: chassis.startsWith("-") ? code + chassis : chassis,
      year: index.yr[i],
      km: index.km[i],
      usd: index.usd[i],
      added: epochDays + index.add[i],
      photo: index.ph[i],
      tw: index.tw[i],
      f: index.f[i],
      t: index.t[i],
      d: index.d[i],
      s: index.s[i],
      b: index.b[i],
    };
  });
}

// A copy of a <template> with {name} in its text and attributes replaced by the values (text, never HTML).
function fromTemplate(template, values) {
  const node = template.content.cloneNode(true);
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let at = walker.nextNode(); at; at = walker.nextNode()) {
    if (at.nodeType === Node.TEXT_NODE) at.nodeValue = fill(at.nodeValue, values);
    else for (const attribute of at.attributes) attribute.value = fill(attribute.value, values);
  }
  return node;
}

// What the card template's placeholders stand for (vehicle_pages.card_pattern names them).
function cardValues(ix, row) {
  const { no, year, photo, tw } = row;
  const names = { make: ix.makes[row.make], model: ix.models[row.model] };
  return { no, year, ph: photo, tw, ...names, km: grouped(row.km), usd: grouped(row.usd) };
}

function stockList(form, list) {
  const count = document.getElementById("stock-count");
  const more = document.getElementById("stock-more");
  const templates = { photo: $("template[data-card=photo]"), none: $("template[data-card=none]") };
  const field = (name) => form.elements[name];
  const bound = (name) => (field(name).value === "" ? null : Number(field(name).value));
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

  // The enum columns hold each vehicle's code as "a", "b", … by its position in ix.enums.
  function enumChar(column, value) {
    const position = ix.enums[column].indexOf(value);
    return position < 0 ? "?" : String.fromCharCode(97 + position);
  }

  function matcher() {
    const make = field("make").value ? ix.makes.indexOf(field("make").value) : null;
    const model = field("model").value;
    const text = field("q").value.trim().toUpperCase();
    const ranges = [
      ["year", bound("year_min"), bound("year_max")],
      ["usd", bound("price_min"), bound("price_max")],
      ["km", bound("km_min"), bound("km_max")],
    ];
    const wanted = Object.entries(ENUM_FILTERS)
      .filter(([name]) => field(name).value)
      .map(([name, column]) => [column, enumChar(column, field(name).value)]);
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

  function drawMore() {
    const end = Math.min(shown + CARDS_PER_DRAW, matches.length);
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
    else if (n === 1) count.textContent = count.dataset.one;
    else count.textContent = fill(count.dataset.other, { n: grouped(n) });
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

  function fromQuery() {
    for (const name of FILTERS) if (name !== "model" && query.has(name)) field(name).value = query.get(name);
    fillModels();
    if (query.has("model")) field("model").value = query.get("model");
  }

  function update() {
    matches = rows.filter(matcher());
    matches.sort(SORTS[field("sort").value] || SORTS.new);
    list.textContent = "";
    shown = 0;
    sayCount();
    drawMore();
    list.dataset.ready = "true";
  }

  async function load() {
    count.textContent = count.dataset.loading;
    try {
      const response = await fetch(list.dataset.index);
      if (!response.ok) throw new Error(String(response.status));
      ix = await response.json();
    } catch {
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
    more.addEventListener("click", drawMore);
  }
  return load();
}

starters.push(() => {
  const form = document.getElementById("stock-filters");
  const list = document.getElementById("stock-results");
  return form && list ? stockList(form, list) : undefined;
});
