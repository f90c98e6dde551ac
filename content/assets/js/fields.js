// A form's fields: reading them into a request body, filling them, and marking the ones in error.

function clearErrors(form) {
  for (const field of $$("[aria-invalid]", form)) field.removeAttribute("aria-invalid");
  for (const note of $$(".cj-error", form)) note.hidden = true;
}

// The note under a field, made once and tied to it by aria-describedby.
function errorNote(field) {
  const id = field.id + "-error";
  let note = document.getElementById(id);
  if (!note) {
    note = document.createElement("p");
    note.id = id;
    note.className = "cj-error";
    (field.closest("label, .cj-field") || field).after(note);
    const described = field.getAttribute("aria-describedby") || "";
    field.setAttribute("aria-describedby", `${described} ${id}`.trim());
  }
  return note;
}

// The page's words for a field: its data-error, else the form's "invalid" message. The API's text is not used.
function markField(form, name) {
  const field = form.elements.namedItem(name);
  if (!field || !field.id) return null;
  const note = errorNote(field);
  note.textContent = field.dataset.error || msg(form, "invalid");
  note.hidden = false;
  field.setAttribute("aria-invalid", "true");
  return field;
}

// Marks the named fields; the first one gets the focus. True when any was marked.
function showErrors(form, names) {
  clearErrors(form);
  const marked = names.map((name) => markField(form, name)).filter(Boolean);
  marked[0]?.focus();
  return marked.length > 0;
}

function fieldsValid(form) {
  const bad = [...form.elements].filter((f) => f.name && f.willValidate && !f.checkValidity()).map((f) => f.name);
  return !showErrors(form, bad);
}

const sent = (field) =>
  field.name &&
  !field.disabled &&
  field.dataset.local === undefined &&
  field.type !== "submit" &&
  (field.type !== "radio" || field.checked);

// Dotted names become nested objects (consignee.name); empty optional fields are left out.
function formBody(form) {
  const body = {};
  for (const field of [...form.elements].filter(sent)) {
    const value = field.type === "checkbox" ? field.checked : field.value.trim();
    if (value === "" && !field.required) continue;
    const path = field.name.split(".");
    const last = path.pop();
    let target = body;
    for (const part of path) target = target[part] = target[part] || {};
    target[last] = value;
  }
  return body;
}

// Fills fields from values; a field the buyer already filled is kept, unless the form says data-overwrite.
function setFields(form, values) {
  for (const [name, value] of Object.entries(values || {})) {
    const field = form.elements.namedItem(name);
    if (!field || value == null) continue;
    if (field.type === "checkbox") {
      field.checked = Boolean(value);
    } else if (!field.value || form.dataset.overwrite !== undefined) {
      field.value = value;
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
}

// The page's language as the API names languages (<html lang="pt-BR"> is "pt"); English for a page in any other
// (the API's Language enum in openapi.json: it refuses any other code).
const MAIL_LANGUAGES = ["en", "fr", "pt", "es", "ru", "sw"];
function pageLanguage() {
  const code = (document.documentElement.lang || "").split("-")[0].toLowerCase();
  return MAIL_LANGUAGES.includes(code) ? code : "en";
}
