// The member pages' forms: join, sign in by link, my account, and the pages e-mailed links open (updates,
// unsubscribe). Only the member pages' script holds this module.

// A link from a mail carries its token in the fragment: it never reaches a server log. The page shows what
// the link does and waits for a press, since mail scanners open links by themselves.
function linkToken() {
  const token = new URLSearchParams(location.hash.slice(1)).get("token") || query.get("token");
  reveal(document, "has-token", Boolean(token));
  reveal(document, "no-token", !token);
  return token;
}
const forgetToken = () => history.replaceState(null, "", location.pathname); // a used link leaves the address bar
const badLink = (result) => result.status === 401 || result.status === 422 || result.status === 400;

// A form that is over: its buttons stay disabled, the link is forgotten, and the page says how it ended.
function linkUsed(form, message) {
  done(form);
  forgetToken();
  reveal(form, "ask", false);
  say(form, message);
}

// A button that sends a link's token once pressed, for the pages that need no preview.
function tokenButton(form, send) {
  const token = linkToken();
  if (!token) return;
  onSubmit(form, async () => {
    const result = await send(token);
    if (result.status === 200) linkUsed(form, "done");
    else if (badLink(result)) linkUsed(form, "bad-link");
    else sayError(form, result);
  });
}

// The account's updates: on, waiting for the person to open the link we mailed, or off.
function updatesState(form, member) {
  let state = "off";
  if (member.updates_opt_in) state = "on";
  else if (member.updates_pending) state = "pending";
  for (const name of ["on", "pending", "off"]) reveal(form, "updates-" + name, name === state);
  const box = form.elements.namedItem("updates_opt_in");
  if (box) box.checked = state !== "off"; // asked for counts as ticked: saving again sends no second mail
  return state !== "off";
}

async function orderList() {
  const list = $("[data-orders]");
  if (!list) return;
  const result = await api("GET", "/orders");
  if (result.status !== 200) return;
  const template = $("template[data-order]");
  for (const order of result.data.orders) list.append(renderOrder(template, order));
  reveal(document, "no-orders", result.data.orders.length === 0);
}

forms.signup = async (form) => {
  const language = form.elements.namedItem("language");
  if (language) language.value = pageLanguage(); // our mails in the page's language, unless the buyer picks another
  await countryPorts(form);
  onSubmit(form, async (body) => {
    const result = await api("POST", "/members", body);
    if (result.status !== 202) {
      sayError(form, result);
      return;
    }
    // No session yet: the membership starts when the person opens the link in their mail.
    done(form);
    show(form, body);
    reveal(form, "form", false);
    reveal(form, "sent");
    say(form, "check-mail", body);
  });
};

forms["signin-link"] = (form) => {
  onSubmit(form, async (body) => {
    const result = await api("POST", "/session/link", body);
    if (result.status === 202) say(form, "check-mail", body);
    else sayError(form, result);
  });
};

// Which address the link signs into, before any press: a link someone else sent must not sign this device
// into their account unnoticed (login CSRF by link). Previewing does not spend the link.
async function previewLink(form, token) {
  say(form, "checking");
  const preview = await api("POST", "/session/preview", { token });
  const purpose = preview.status === 200 ? preview.data.purpose : "";
  if (purpose === "sign-in" || purpose === "sign-up") {
    show(form, preview.data);
    reveal(form, "preview-" + purpose);
    say(form, "");
    return purpose;
  }
  if (badLink(preview) || preview.status === 200) {
    forgetToken();
    say(form, "bad-link");
  } else {
    sayError(form, preview); // offline or busy: reloading the page tries again
  }
  return "";
}

forms["signin-confirm"] = async (form) => {
  const token = linkToken();
  if (!token) return;
  form.elements.namedItem("token").value = token;
  const purpose = await previewLink(form, token);
  if (!purpose) return;
  onSubmit(form, async (body) => {
    const result = await api("POST", "/session", body);
    if (result.status === 200) {
      done(form);
      forgetToken();
      signedIn(true);
      // A guest who pressed "Tell me about new cars like these" goes back to that search (alerts.js saves it).
      const back = stockReturn();
      say(form, (purpose === "sign-up" ? "confirmed" : "signed-in") + (back ? "-search" : ""));
      location.assign(back || form.dataset.next);
    } else if (badLink(result)) {
      done(form);
      forgetToken();
      reveal(form, "preview-" + purpose, false);
      say(form, "bad-link");
    } else {
      sayError(form, result);
    }
  });
};

forms.account = async (form) => {
  const member = await me();
  reveal(document, "signed-in", member.status === 200);
  reveal(document, "signed-out", member.status !== 200);
  if (member.status !== 200) return;
  const country = form.elements.namedItem("country");
  if (country) country.dataset.value = member.data.country;
  form.dataset.overwrite = "";
  await countryPorts(form);
  setFields(form, member.data);
  let wanted = updatesState(form, member.data);
  show(document, member.data);
  onSubmit(form, async (body) => {
    const asking = body.updates_opt_in === true && !wanted;
    if (body.updates_opt_in === wanted) delete body.updates_opt_in; // unchanged: no new mail
    const result = await api("PATCH", "/me", body);
    if (result.status !== 200) {
      sayError(form, result);
      return;
    }
    setFields(form, result.data);
    wanted = updatesState(form, result.data);
    revealUpdates(document, updatesOf(result.data)); // the saved searches' note on updates (alerts.js)
    show(document, result.data);
    say(form, asking && result.data.updates_pending ? "saved-confirm-updates" : "saved");
  });
  orderList();
};

forms.updates = (form) => tokenButton(form, (token) => api("POST", "/updates", { token }));

// The same request a mail client makes from the List-Unsubscribe header (RFC 8058), for people. An alert mail's
// link ("a1.<member>.<id>-<id>.<signature>") pauses the saved searches it names; an update mail's ("u1.") stops
// updates. The page says which before the press, and the API's scope after it.
forms.unsubscribe = (form) => {
  const token = linkToken();
  if (!token) return;
  const alerts = token.startsWith("a1.") ? (token.split(".")[2] || "").split("-").length : 0;
  reveal(form, "ask-updates", !alerts);
  reveal(form, "ask-alerts", alerts > 0);
  onSubmit(form, async () => {
    const result = await api("POST", "/unsubscribe?token=" + encodeURIComponent(token), {});
    if (result.status !== 200) {
      if (badLink(result)) linkUsed(form, "bad-link");
      else sayError(form, result);
    } else if (result.data?.scope === "alerts") {
      linkUsed(form, alerts > 1 ? "done-alerts" : "done-alert");
    } else {
      linkUsed(form, "done");
    }
  });
};

// The member's own session ends, or the whole membership: the page says which.
function accountGone(form, shown, message) {
  done(form);
  signedIn(false);
  reveal(document, "signed-in", false);
  reveal(document, shown);
  say(document, message);
}

forms.erase = (form) => {
  onSubmit(form, async () => {
    const result = await api("DELETE", "/me");
    if (result.status === 204) accountGone(form, "erased", "erased");
    else sayError(form, result);
  });
};

forms.signout = (form) => {
  onSubmit(form, async () => {
    const result = await api("DELETE", "/session");
    if (result.status === 204) accountGone(form, "signed-out", "signed-out-now");
    else sayError(form, result);
  });
};

forms.export = (form) => {
  onSubmit(form, async () => {
    const result = await api("GET", "/me/export");
    if (result.status !== 200) {
      sayError(form, result);
      return;
    }
    const link = document.createElement("a");
    const json = JSON.stringify(result.data, null, 2);
    link.href = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    link.download = form.dataset.filename;
    document.body.append(link);
    link.click();
    link.remove();
    say(form, "exported");
  });
};
