// The inquiry form (about a car, or general) and the invoice check.

forms.inquiry = async (form) => {
  const stockNo = query.get("stock_no");
  const stockField = form.elements.namedItem("stock_no");
  if (stockNo && stockField) stockField.value = stockNo.toUpperCase();
  reveal(form, "about-car", Boolean(stockNo));
  show(form, { stock_no: stockNo });
  await countryPorts(form);
  const member = await me();
  if (member.status === 200) setFields(form, member.data); // a 401 is a guest: the form stays empty
  onSubmit(form, async (body) => {
    body.language = pageLanguage(); // staff see it, and a member's receipt is written in it
    const result = await api("POST", "/inquiries", body);
    if (result.status !== 201) {
      sayError(form, result);
      return;
    }
    form.reset();
    say(form, "sent", result.data);
  });
};

forms["invoice-check"] = (form) => {
  const code = query.get("code");
  if (code) form.elements.namedItem("code").value = code;
  onSubmit(form, async (body) => {
    reveal(document, "genuine", false);
    reveal(document, "fake", false);
    const result = await api("GET", "/invoices/" + encodeURIComponent(body.code.toUpperCase()));
    if (result.status === 200 && result.data.genuine) {
      show(document, result.data);
      reveal(document, "genuine");
      say(form, "");
    } else if (result.status === 404) {
      reveal(document, "fake");
      say(form, "");
    } else if (result.status === 422) {
      showErrors(form, ["code"]);
      say(form, "fix");
    } else {
      sayError(form, result);
    }
  });
};
