/* TextPay's own script: small progressive enhancements, no inline code (strict CSP friendly).
 * Every page works without it. */
(function () {
  "use strict";

  /* Pay page, partial payment: the Pay button follows the amount typed ("Pay $40.00"). */
  function formatAmount(text, symbol) {
    var raw = String(text || "").replace(/[,$\s]/g, "").replace(/^CA/, "");
    if (!/^(\d+(\.\d{0,2})?|\.\d{1,2})$/.test(raw)) return "";
    var parts = raw.split(".");
    var whole = (parts[0] || "0").replace(/^0+(?=\d)/, "");
    var cents = ((parts[1] || "") + "00").slice(0, 2);
    whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return symbol + whole + "." + cents;
  }

  function wirePayAmount(root) {
    var input = root.querySelector("[data-pay-amount-input]");
    var label = root.querySelector("[data-pay-amount-label]");
    if (!input || !label) return;
    var symbol = input.getAttribute("data-currency-symbol") || "$";
    var update = function () {
      label.textContent = formatAmount(input.value, symbol);
    };
    input.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    wirePayAmount(document);
    /* A field the server found invalid gets the focus, so a screen reader reads its error. */
    var invalid = document.querySelector("[aria-invalid='true']");
    if (invalid && document.activeElement === document.body) invalid.focus();
  });
})();

/* A Print button (data-print) without an inline onclick. */
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) window.print();
});
