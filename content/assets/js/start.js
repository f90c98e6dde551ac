// Last module of every page's script: draw the header, start each form and page part, then favourites and live
// status.
async function start() {
  drawHead(); // at once: the header waits for no form and no request
  // A form whose module this page does not load stays plain HTML rather than stopping the others.
  const work = $$("form[data-cj]").map((form) => forms[form.dataset.cj]?.(form));
  work.push(...starters.map((starter) => starter()));
  await Promise.all(work); // the order page learns its car's stock number first
  favourites();
  await liveStatus();
  document.documentElement.dataset.formsReady = "1"; // tests wait for this
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
