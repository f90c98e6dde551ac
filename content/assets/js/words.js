// Every word a buyer reads is in the page: data-msg elements, data-error attributes, <template>s. This module
// finds them and puts values into them; numbers are written in the page's language, through Intl.

// {name} in a text is replaced by the value of that name; text only, never HTML.
const fill = (text, values) =>
  text.replace(/\{(\w+)\}/g, (all, key) => (values && key in values ? String(values[key]) : all));

function msg(root, key, values) {
  const element = $(`[data-msg="${key}"]`, root) || $(`[data-msg="${key}"]`);
  return element ? fill(element.textContent.trim(), values) : "";
}
const hasMsg = (root, key) => Boolean($(`[data-msg="${key}"]`, root) || $(`[data-msg="${key}"]`));

// The live region of a form (or of the page) says one message, or nothing.
function say(root, key, values) {
  const region = root === document ? $("[data-say=page]") : $("[data-say]", root) || $("[data-say]");
  if (!region) return;
  region.textContent = key ? msg(root, key, values) : "";
  region.dataset.kind = key || "";
}

// Values into [data-field] elements; "a.b" reads a nested value.
function show(root, values) {
  for (const element of $$("[data-field]", root)) {
    const value = element.dataset.field.split(".").reduce((v, key) => (v == null ? v : v[key]), values);
    if (value != null && typeof value !== "object") element.textContent = String(value);
  }
}

function reveal(root, name, on = true) {
  for (const element of $$(`[data-show="${name}"]`, root)) element.hidden = !on;
}

// Numbers in the page's language: <html lang="fr"> groups 1234 as "1 234".
const numberFormat = (options) => new Intl.NumberFormat(document.documentElement.lang || undefined, options);
const grouped = (n) => numberFormat().format(n);
const withDecimals = (n, decimals) =>
  numberFormat({ minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(n);
