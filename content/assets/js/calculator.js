// The vehicle page's calculator: the country and port selects (shipping.js), the quote (quote.js), and the
// figures in the page's language. Every word shown is in the page's markup; this module only moves numbers.
const NO_PORT = { freight_usd_per_m3: 0, insurance_bp: 0 };

function remembered(key) {
  try {
    return localStorage.getItem("cj." + key) || "";
  } catch {
    return "";
  }
}
function remember(key, value) {
  try {
    localStorage.setItem("cj." + key, value);
  } catch {
    // private mode: no memory
  }
}

// The calculator's own view of one choice: its quote and the page's way of writing US dollars.
function calculation(form, data) {
  const vehicle = JSON.parse(form.dataset.vehicle);
  const incoterm = $('input[name="incoterm"]:checked', form).value;
  const country = data.countries.find((c) => c.code === form.elements.country.value);
  const port = country?.ports.find((p) => p.code === form.elements.port.value);
  const terms = port ? incoterm : "FOB";
  const quote = landedCost(vehicle, port || NO_PORT, country ? country.inspection_usd : 0, terms);
  return { quote, country, terms };
}

function showCalculation(form, data) {
  const { quote, country, terms } = calculation(form, data);
  const usd = (amount) => fill(form.dataset.usd || "{n}", { n: grouped(amount) });
  const out = (name, text) => {
    const cell = $(`[data-out="${name}"]`, form);
    if (cell) cell.textContent = text;
  };
  out("fob", usd(quote.fob_usd));
  out("volume", withDecimals(quote.volume_m3, 3));
  out("freight", terms !== "FOB" ? usd(quote.freight_usd) : "–");
  out("insurance", terms === "CIF" ? usd(quote.insurance_usd) : "–");
  out("inspection_name", country?.inspection ? `(${country.inspection})` : "");
  out("inspection", quote.inspection_usd ? usd(quote.inspection_usd) : "–");
  out("total", usd(quote.total_usd));
  // A display currency: its rate and how many decimals it is written with come from the data.
  const currency = data.currencies.find((c) => c.code === form.elements.currency.value);
  $(".cj-calc__converted", form).hidden = !currency;
  if (currency) {
    const amount = quote.total_usd * parseFloat(currency.per_usd);
    out("converted", `${currency.code} ${withDecimals(amount, currency.decimals)}`);
  }
}

async function calculator(form) {
  form.elements.country.dataset.value = remembered("country");
  form.elements.port.dataset.value = remembered("port");
  const data = await countryPorts(form);
  for (const c of data.currencies) form.elements.currency.add(new Option(`${c.code} – ${c.name}`, c.code));
  form.elements.currency.value = remembered("currency");
  $('[data-out="rates_as_of"]', form).textContent = data.rates_as_of;
  form.addEventListener("change", () => {
    showCalculation(form, data);
    for (const name of ["country", "port", "currency"]) remember(name, form.elements[name].value);
  });
  form.hidden = false;
  showCalculation(form, data);
}

starters.push(() => {
  const form = document.getElementById("calculator");
  return form ? calculator(form) : undefined;
});
