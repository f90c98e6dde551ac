// Finding elements, the page's address, and the registries the other modules fill.
// The build (carjunction.site.scripts) joins the modules of a page into one block-scoped script, so each module's
// top-level names are seen by the modules after it and by no other script.
const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];
const query = new URLSearchParams(location.search);
const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));

// localStorage lists (favourites, recently viewed); private browsing may refuse them.
const store = {
  get(key) {
    try {
      return JSON.parse(localStorage.getItem(key)) || [];
    } catch {
      return [];
    }
  },
  set(key, list) {
    try {
      localStorage.setItem(key, JSON.stringify(list));
    } catch {
      // private mode or a full quota: not kept
    }
  },
};

// What start.js runs: forms by their data-cj name, and page parts that need no form.
const forms = {};
const starters = [];
