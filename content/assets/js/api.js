// Talking to /api: every answer becomes {status, data}; status 0 is no answer at all.
async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch("/api" + path, init);
  } catch {
    return { status: 0, data: null }; // offline, DNS, connection reset
  }
  let data = null;
  try {
    data = response.status === 204 ? null : await response.json();
  } catch {
    // not JSON: the status says enough
  }
  // The member cookie expired or was refused: the header stops saying "My account" (header.js).
  if (response.status === 401 && data?.error?.code === "not_signed_in") signedIn(false);
  return { status: response.status, data };
}

// The error part of an answer: {code, fields}. Its English `message` is for developers, never shown.
const errorOf = (result) => result.data?.error || { code: "", fields: {} };
const unanswered = (result) => result.status === 0 || result.status >= 500;
// The member's own details; an answer proves the session, which the header shows (header.js).
async function me() {
  const result = await api("GET", "/me");
  if (result.status === 200) signedIn(true);
  return result;
}

// The same on a page a visitor may well open signed out (the order page): asked only when this device says it
// holds a session (header.js), so a visitor who is not signed in makes no request and meets no 401. A session
// this device has lost track of (its site data cleared) costs one more sign-in.
async function meIfSignedIn() {
  return memberFlag() === false ? { status: 401, data: null } : me();
}
