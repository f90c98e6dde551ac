// Material's palette script as a file (the CSP refuses inline scripts), where it stood: the chosen colour
// scheme is applied while the page is parsed, so the default does not flash first.
const color = (__md_get("__palette") || {}).color;
if (color?.media === "(prefers-color-scheme)") {
  // "Follow the system": take the light or the dark choice, whichever the system uses now.
  const now = matchMedia("(prefers-color-scheme: light)").matches ? "light" : "dark";
  const choice = document.querySelector(`[data-md-color-media='(prefers-color-scheme: ${now})']`);
  for (const name of ["media", "scheme", "primary", "accent"]) {
    color[name] = choice.getAttribute("data-md-color-" + name);
  }
}
for (const [name, value] of Object.entries(color || {})) document.body.setAttribute("data-md-color-" + name, value);
