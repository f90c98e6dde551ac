// The header's member entry and favourites count (overrides/partials/header.html), from localStorage only. The
// page is the same for everyone and cached at the edge, so drawing the header needs no cookie and no request.
// "cj.member" is "1" while this device holds a session, and nothing else (no name, no id): set when a mailed
// link's sign-in or confirmation succeeds or GET /api/me answers, removed on sign-out, on erasure and when the
// API says the session is gone (401 not_signed_in: the cookie expired or was refused).
const MEMBER = "cj.member";

// Whether this device holds a session, as far as it knows; null when it keeps no site data (some private modes),
// when only the API can tell.
function memberFlag() {
  try {
    return localStorage.getItem(MEMBER) === "1";
  } catch {
    return null;
  }
}

function drawHead() {
  const member = memberFlag() === true; // no site data kept: the header offers Join / Sign in, as to anyone
  for (const entry of $$("[data-member-when]")) entry.hidden = (entry.dataset.memberWhen === "signed-in") !== member;
  const n = store.get(FAVOURITES).length;
  for (const count of $$("[data-favourites-count]")) {
    count.textContent = n ? grouped(n) : "";
    count.hidden = n === 0;
  }
}

function signedIn(on) {
  try {
    if (on) localStorage.setItem(MEMBER, "1");
    else localStorage.removeItem(MEMBER);
  } catch {
    // not kept: the header stays as it is
  }
  drawHead();
}

// Another tab signed in or out, or changed the favourites (key null: its site data was cleared).
addEventListener("storage", (event) => {
  if (event.key === null || event.key === MEMBER || event.key === FAVOURITES) drawHead();
});

// The language menu links to this page in each language; a buyer switching keeps what the address holds beyond
// the page (the stock page's filters, a stock number to ask about), so nothing chosen is lost.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-lang-link]") : null;
  if (link && location.search) link.search = location.search;
});
