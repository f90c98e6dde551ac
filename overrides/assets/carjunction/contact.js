/* The contact page: when a vehicle page sent the buyer here, put its stock number in the e-mail's subject.
   The subject's words are in the link's data attributes. */
(function () {
  "use strict";
  var link = document.getElementById("contact-mail");
  var params = new URLSearchParams(window.location.search);
  var stockNo = params.get("stock_no");
  if (!link || !stockNo || !/^[A-Z0-9-]{3,20}$/.test(stockNo)) return;
  var subject = link.getAttribute(params.get("order") ? "data-order" : "data-ask") || "";
  link.href = link.href.split("?")[0] + "?subject=" + encodeURIComponent(subject.replace("{stock_no}", stockNo));
})();
