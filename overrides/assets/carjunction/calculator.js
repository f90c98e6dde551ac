/* The vehicle page's calculator: fills the selects from shipping.json and shows cjQuote's figures.
   All words shown come from the page's markup; this file only moves numbers. */
(function () {
  "use strict";
  var form = document.getElementById("calculator");
  if (!form || !window.cjQuote || !window.fetch) return;
  var vehicle = JSON.parse(form.getAttribute("data-vehicle"));
  var data = null;

  function option(value, text) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = text;
    return element;
  }
  var usd = form.getAttribute("data-usd") || "{n}";
  function money(amount) {
    return usd.replace("{n}", amount.toLocaleString("en-US"));
  }
  function out(name, text) {
    var cell = form.querySelector('[data-out="' + name + '"]');
    if (cell) cell.textContent = text;
  }
  function remembered(key) {
    try { return window.localStorage.getItem("cj." + key) || ""; } catch (e) { return ""; }
  }
  function remember(key, value) {
    try { window.localStorage.setItem("cj." + key, value); } catch (e) { /* private mode: no memory */ }
  }

  function fillPorts() {
    var country = form.country.value;
    var select = form.port;
    while (select.options.length > 1) select.remove(1);
    data.ports.forEach(function (p) { if (p[2] === country) select.add(option(p[0], p[1])); });
    select.disabled = !country;
    if (select.options.length === 2) select.selectedIndex = 1;
  }

  function show() {
    var incoterm = form.querySelector('input[name="incoterm"]:checked').value;
    var country = data.countries.filter(function (c) { return c[0] === form.country.value; })[0];
    var port = data.ports.filter(function (p) { return p[0] === form.port.value; })[0];
    var q = window.cjQuote.landedCost(vehicle,
      port ? { freight_usd_per_m3: port[3], insurance_bp: port[4] } : { freight_usd_per_m3: 0, insurance_bp: 0 },
      country ? country[3] : 0, port ? incoterm : "FOB");
    out("fob", money(q.fob_usd));
    out("volume", q.volume_m3.toFixed(3));
    out("freight", port && incoterm !== "FOB" ? money(q.freight_usd) : "–");
    out("insurance", port && incoterm === "CIF" ? money(q.insurance_usd) : "–");
    out("inspection_name", country && country[2] ? "(" + country[2] + ")" : "");
    out("inspection", q.inspection_usd ? money(q.inspection_usd) : "–");
    out("total", money(q.total_usd));
    var currency = data.currencies.filter(function (c) { return c[0] === form.currency.value; })[0];
    var row = form.querySelector(".cj-calc__converted");
    row.hidden = !currency;
    if (currency) {
      var amount = q.total_usd * parseFloat(currency[2]);
      out("converted", currency[0] + " " + amount.toLocaleString("en-US",
        { minimumFractionDigits: currency[3], maximumFractionDigits: currency[3] }));
    }
    remember("country", form.country.value);
    remember("port", form.port.value);
    remember("currency", form.currency.value);
  }

  fetch(form.getAttribute("data-shipping")).then(function (r) { return r.json(); }).then(function (shipping) {
    data = shipping;
    data.countries.forEach(function (c) { form.country.add(option(c[0], c[1])); });
    data.currencies.forEach(function (c) { form.currency.add(option(c[0], c[0] + " – " + c[1])); });
    out("rates_as_of", data.rates_as_of);
    form.country.value = remembered("country");
    fillPorts();
    if (remembered("port")) form.port.value = remembered("port");
    form.currency.value = remembered("currency");
    form.addEventListener("change", function (event) {
      if (event.target === form.country) fillPorts();
      show();
    });
    form.hidden = false;
    show();
  });
})();
