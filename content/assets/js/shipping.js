// Countries and their ports, from the build's shipping.json (carjunction.site.generate.shipping_data): records
// with named fields. Every country select with a port select beside it, in the forms and the calculator, is
// filled here.
// In the page's language (country and currency names are words): main.html names the file in a <meta>.
const SHIPPING_URL = $('meta[name="cj-shipping"]')?.content || "/assets/data/shipping.json";
const shippingData = {};

// Each country with its ports; a country with no port is left out. Fetched once per page and URL.
function loadShipping(url) {
  if (!shippingData[url]) {
    shippingData[url] = fetch(url)
      .then((response) => response.json())
      .then((data) => ({
        ...data,
        countries: data.countries
          .map((country) => ({ ...country, ports: data.ports.filter((port) => port.country === country.code) }))
          .filter((country) => country.ports.length > 0),
      }));
  }
  return shippingData[url];
}

// The port select offers the chosen country's ports and selects the one wanted (by default the one chosen
// before) if it is offered, else the only one. Its first option ("choose…") is the page's and stays. A port
// select the page writes disabled stays so until a country is chosen.
function fillPorts(country, port, data, wanted = port.value) {
  while (port.options.length > 1) port.remove(1);
  const chosen = data.countries.find((c) => c.code === country.value);
  const ports = chosen ? chosen.ports : [];
  for (const p of ports) port.add(new Option(p.name, p.code));
  if (ports.some((p) => p.code === wanted)) port.value = wanted;
  else if (ports.length === 1) port.value = ports[0].code;
  else port.value = "";
  if (port.dataset.waits !== undefined) port.disabled = !chosen;
  port.dispatchEvent(new Event("change", { bubbles: true }));
}

// Fills a form's country select (and its port select, if any); data-value on either presets it.
async function countryPorts(form) {
  const country = form.elements.namedItem("country");
  const port = form.elements.namedItem("port");
  if (!country || country.tagName !== "SELECT") return null;
  const data = await loadShipping(form.dataset.shipping || SHIPPING_URL);
  for (const c of data.countries) country.add(new Option(c.name, c.code));
  if (country.dataset.value) country.value = country.dataset.value;
  if (!port) return data;
  if (port.disabled) port.dataset.waits = "";
  fillPorts(country, port, data, port.dataset.value);
  country.addEventListener("change", () => fillPorts(country, port, data));
  return data;
}
