// One submit handler for every form: the page's own checks first, a busy guard, and one answer to errors.

// The page's message for an error: one named after the API's code (data-msg="rate_limited") if the page has
// one, else the page's message for the status, else its general one.
const STATUS_MESSAGES = {
  0: "offline",
  401: "signed-out",
  404: "not-found",
  409: "conflict",
  413: "too-large",
  429: "busy",
  503: "unavailable",
};
function errorMessage(form, result) {
  const { code } = errorOf(result);
  if (code && hasMsg(form, code)) return code;
  return STATUS_MESSAGES[result.status] || "error";
}

function sayError(form, result) {
  const error = errorOf(result);
  const invalid = result.status === 422 || result.status === 400;
  if (invalid && showErrors(form, Object.keys(error.fields || {}))) {
    say(form, "fix");
    return;
  }
  say(form, errorMessage(form, result));
}


function onSubmit(form, send) {
  form.noValidate = true; // our own messages, next to each field
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.dataset.busy) return;
    if (!fieldsValid(form)) {
      say(form, "fix");
      return;
    }
    const buttons = $$("button[type=submit], button:not([type])", form);
    form.dataset.busy = "1";
    for (const button of buttons) button.disabled = true;
    say(form, "sending");
    try {
      await send(formBody(form), event.submitter);
    } finally {
      delete form.dataset.busy;
      if (!form.dataset.done) for (const button of buttons) button.disabled = false;
    }
  });
}
