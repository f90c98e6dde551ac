// The contact page: when a vehicle page sent the buyer here, its stock number goes into the e-mail's subject.
// The subject's words are in the link's data attributes.
starters.push(() => {
  const link = document.getElementById("contact-mail");
  const stockNo = query.get("stock_no");
  if (!link || !stockNo || !/^[A-Z0-9-]{3,20}$/.test(stockNo)) return;
  const subject = fill(link.dataset[query.get("order") ? "order" : "ask"] || "", { stock_no: stockNo });
  link.href = link.href.split("?")[0] + "?subject=" + encodeURIComponent(subject);
});
