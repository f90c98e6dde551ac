/* The stock page: filters and sorts the compact stock index (see carjunction/site/stock_index.py)
   and draws result cards progressively. Filters live in the URL query so a search can be shared.
   Words come from the page's markup (data attributes), never from here. */
(function () {
  "use strict";
  var form = document.getElementById("stock-filters");
  var list = document.getElementById("stock-results");
  var count = document.getElementById("stock-count");
  var more = document.getElementById("stock-more");
  if (!form || !list || !window.fetch) return;
  var PAGE = 24;
  var base = list.getAttribute("data-base").replace(/\/?$/, "/");
  var units = JSON.parse(list.getAttribute("data-units"));
  var titleFormat = list.getAttribute("data-title");
  var priceFormat = list.getAttribute("data-price");
  var ix = null, rows = null, matches = [], shown = 0;
  var FIELDS = ["q", "make", "model", "body", "year_min", "year_max", "price_min", "price_max",
                "km_min", "km_max", "steering", "transmission", "fuel", "drive", "sort"];
  var ENUM_FIELDS = { fuel: "f", transmission: "t", drive: "d", steering: "s", body: "b" };

  function unit(name, n) { return units[name].replace("{n}", n.toLocaleString("en-US")); }

  function decode(index) {
    var out = [], epochDays = Date.parse(index.epoch) / 86400000;
    for (var i = 0; i < index.no.length; i++) {
      var code = index.codes[index.mc[i]], ch = index.ch[i];
      out.push({
        no: index.no[i], model: index.md[i], make: index.model_make[index.md[i]], code: code,
        chassis: ch.charAt(0) === "-" ? code + ch : ch,
        year: index.yr[i], km: index.km[i], usd: index.usd[i], added: epochDays + index.add[i],
        photo: index.ph[i], tw: index.tw[i],
        f: index.f.charAt(i), t: index.t.charAt(i), d: index.d.charAt(i), s: index.s.charAt(i), b: index.b.charAt(i)
      });
    }
    return out;
  }

  function enumChar(column, value) {
    var position = ix.enums[column].indexOf(value);
    return position < 0 ? "?" : String.fromCharCode(97 + position);
  }

  function number(name) {
    var value = form.elements[name].value;
    return value === "" ? null : Number(value);
  }

  function fillModels() {
    var select = form.elements.model, make = ix.makes.indexOf(form.elements.make.value), keep = select.value;
    while (select.options.length > 1) select.remove(1);
    ix.models.forEach(function (name, m) {
      if (ix.model_make[m] === make) {
        var o = document.createElement("option");
        o.value = name;
        o.textContent = name;
        select.add(o);
      }
    });
    select.disabled = make < 0;
    select.value = keep;
    if (select.value !== keep) select.value = "";
  }

  var SORTS = {
    "new": function (a, b) { return b.added - a.added || (a.no < b.no ? -1 : 1); },
    "price": function (a, b) { return a.usd - b.usd; },
    "-price": function (a, b) { return b.usd - a.usd; },
    "-year": function (a, b) { return b.year - a.year || b.added - a.added; },
    "km": function (a, b) { return a.km - b.km; }
  };

  function filter() {
    var make = ix.makes.indexOf(form.elements.make.value);
    var modelName = form.elements.model.value;
    var q = form.elements.q.value.trim().toUpperCase();
    var lo = { yr: number("year_min"), usd: number("price_min"), km: number("km_min") };
    var hi = { yr: number("year_max"), usd: number("price_max"), km: number("km_max") };
    var wanted = {};
    Object.keys(ENUM_FIELDS).forEach(function (field) {
      var value = form.elements[field].value;
      if (value) wanted[ENUM_FIELDS[field]] = enumChar(ENUM_FIELDS[field], value);
    });
    matches = rows.filter(function (r) {
      if (form.elements.make.value && r.make !== make) return false;
      if (modelName && ix.models[r.model] !== modelName) return false;
      if ((lo.yr !== null && r.year < lo.yr) || (hi.yr !== null && r.year > hi.yr)) return false;
      if ((lo.usd !== null && r.usd < lo.usd) || (hi.usd !== null && r.usd > hi.usd)) return false;
      if ((lo.km !== null && r.km < lo.km) || (hi.km !== null && r.km > hi.km)) return false;
      for (var column in wanted) { if (r[column] !== wanted[column]) return false; }
      if (q && r.no.indexOf(q) < 0 && r.code.indexOf(q) < 0 && r.chassis.indexOf(q) < 0) return false;
      return true;
    });
    matches.sort(SORTS[form.elements.sort.value] || SORTS["new"]);
  }

  function card(r) {
    var li = document.createElement("li"), a = document.createElement("a");
    li.className = "cj-card";
    a.href = base + "vehicles/" + r.no + "/";
    if (r.photo) {
      var img = document.createElement("img");
      img.src = base + "vehicles/" + r.no + "/" + r.photo + "-" + r.tw + ".webp";
      img.alt = "";
      img.width = 360;
      img.height = 270;
      img.loading = "lazy";
      img.decoding = "async";
      a.appendChild(img);
    } else {
      var blank = document.createElement("span");
      blank.className = "cj-card__nophoto";
      a.appendChild(blank);
    }
    var title = titleFormat.replace("{year}", r.year).replace("{make}", ix.makes[r.make])
      .replace("{model}", ix.models[r.model]);
    [["cj-card__title", title], ["cj-card__facts", r.year + " · " + unit("km", r.km)],
     ["cj-card__price", priceFormat.replace("{price}", unit("usd", r.usd))]].forEach(function (part) {
      var span = document.createElement("span");
      span.className = part[0];
      span.textContent = part[1];
      a.appendChild(span);
    });
    li.appendChild(a);
    // Live status (forms.js) reveals these for cars reserved or sold since the build.
    li.setAttribute("data-stock-no", r.no);
    ["reserved", "sold"].forEach(function (state) {
      var badge = document.createElement("span");
      badge.className = "cj-card__live";
      badge.setAttribute("data-show-when", state);
      badge.textContent = list.getAttribute("data-" + state);
      badge.hidden = true;
      li.appendChild(badge);
    });
    return li;
  }

  function drawMore() {
    var fragment = document.createDocumentFragment();
    var end = Math.min(shown + PAGE, matches.length);
    for (; shown < end; shown++) fragment.appendChild(card(matches[shown]));
    list.appendChild(fragment);
    more.hidden = shown >= matches.length;
    document.dispatchEvent(new Event("cj:rendered"));
  }

  function say() {
    var n = matches.length;
    var text = n === 0 ? count.getAttribute("data-none")
      : n === 1 ? count.getAttribute("data-one") : count.getAttribute("data-other").replace("{n}", n.toLocaleString("en-US"));
    count.textContent = text;
  }

  function toQuery() {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) {
      var value = form.elements[name].value;
      if (value && !(name === "sort" && value === "new")) params.set(name, value);
    });
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  function fromQuery() {
    var params = new URLSearchParams(window.location.search);
    FIELDS.forEach(function (name) {
      if (name !== "model" && params.has(name)) form.elements[name].value = params.get(name);
    });
    fillModels();
    if (params.has("model")) form.elements.model.value = params.get("model");
  }

  function update() {
    filter();
    list.textContent = "";
    shown = 0;
    say();
    drawMore();
    list.setAttribute("data-ready", "true");
  }

  count.textContent = count.getAttribute("data-loading");
  fetch(list.getAttribute("data-index")).then(function (r) {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  }).then(function (index) {
    ix = index;
    rows = decode(index);
    fromQuery();
    update();
    form.addEventListener("input", function (event) {
      if (event.target === form.elements.make) fillModels();
      toQuery();
      update();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      setTimeout(function () { fillModels(); toQuery(); update(); }, 0);
    });
    more.addEventListener("click", drawMore);
  }).catch(function () {
    count.textContent = count.getAttribute("data-failed");
  });
})();
