// What Material's bundle expects before it runs, given by a file: the CSP (template.yaml) refuses the inline
// script the theme puts in every page's head. The theme names it per page with a relative base ("../.."); a
// shared file finds the site's root from its own address instead (it lives at <root>/assets/carjunction/).
(() => {
  "use strict";
  const script = document.currentScript;
  const scope = script.dataset.scope
    ? new URL(script.dataset.scope, location)
    : new URL("../../", script.src);
  // The theme keeps its settings (palette, dismissed banners) in storage under the site's path.
  const key = (base, name) => base.pathname + "." + name;
  window.__md_scope = scope;
  window.__md_hash = (text) => [...text].reduce((hash, c) => (hash << 5) - hash + c.charCodeAt(0), 0);
  window.__md_get = (name, storage = localStorage, base = scope) => JSON.parse(storage.getItem(key(base, name)));
  window.__md_set = (name, value, storage = localStorage, base = scope) => {
    try {
      storage.setItem(key(base, name), JSON.stringify(value));
    } catch {
      // private browsing or a full quota: the setting is simply not kept
    }
  };
})();
