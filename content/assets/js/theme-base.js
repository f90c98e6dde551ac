// Material's head script as a file (the CSP refuses inline scripts): the helpers its bundle calls.
// The site's root is found from this file's address (<root>/assets/carjunction/), not a per-page "../..".
const scope = new URL("../../", document.currentScript.src);
const storageKey = (base, name) => base.pathname + "." + name;
window.__md_scope = scope;
window.__md_hash = (text) => [...text].reduce((hash, c) => (hash << 5) - hash + c.charCodeAt(0), 0);
window.__md_get = (name, storage = localStorage, base = scope) => JSON.parse(storage.getItem(storageKey(base, name)));
window.__md_set = (name, value, storage = localStorage, base = scope) => {
  try {
    storage.setItem(storageKey(base, name), JSON.stringify(value));
  } catch {
    // private browsing or a full quota: not kept
  }
};
