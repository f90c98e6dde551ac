// The colour scheme a buyer chose, applied while the page is parsed so it does not flash the default first.
// Material does this with an inline script after the palette switch, which the CSP refuses; this file stands
// where that script stood and does the same.
(() => {
  "use strict";
  const palette = __md_get("__palette");
  if (!palette || !palette.color) return;
  const color = palette.color;
  // "Follow the system" resolves to the light or dark choice that matches the system now.
  if (color.media === "(prefers-color-scheme)") {
    const light = matchMedia("(prefers-color-scheme: light)").matches;
    const choice = document.querySelector(
      `[data-md-color-media='(prefers-color-scheme: ${light ? "light" : "dark"})']`,
    );
    for (const name of ["media", "scheme", "primary", "accent"]) {
      color[name] = choice.getAttribute("data-md-color-" + name);
    }
  }
  for (const [name, value] of Object.entries(color)) {
    document.body.setAttribute("data-md-color-" + name, value);
  }
})();
