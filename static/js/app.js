/* TextPay's own script: small progressive enhancements, no inline code (strict CSP friendly).
 * Every page works without it. */
(function () {
  "use strict";

  /* Pay page, partial payment: the Pay button follows the amount typed ("Pay $40.00"), in the
   * page's language (the button carries its translated "Pay __AMOUNT__" text). */
  function minorFromTyped(text) {
    var raw = String(text || "").replace(/[\s\u00a0\u202f$€]|CA\$/g, "");
    var m;
    if ((m = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(raw))) return parseInt(m[1], 10) * 100 + parseInt(((m[2] || "") + "00").slice(0, 2), 10);
    if (/^\d{1,3}(,\d{3})+(\.\d{1,2})?$/.test(raw)) return minorFromTyped(raw.replace(/,/g, ""));
    if (/^\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(raw)) return minorFromTyped(raw.replace(/\./g, ""));
    return null;
  }

  function formatMinor(minor, currency) {
    var lang = document.documentElement.lang || "en";
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency: currency }).format(minor / 100);
    } catch (e) {
      return (minor / 100).toFixed(2);
    }
  }

  function wirePayAmount(root) {
    var input = root.querySelector("[data-pay-amount-input]");
    var button = root.querySelector("[data-pay-amount-label]");
    if (!input || !button) return;
    var currency = input.getAttribute("data-currency") || "USD";
    var update = function () {
      var minor = minorFromTyped(input.value);
      button.textContent = minor ? button.getAttribute("data-template").replace("__AMOUNT__", formatMinor(minor, currency))
        : button.getAttribute("data-bare");
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

/* Parts of a page that update themselves (data-live + htmx polling, see templates/base.html):
 * no request while the tab is in the background, and no swap while the person is using the part
 * (focus inside it, or a row ticked), so nothing moves under their hand. A later poll catches up.
 * Hook for later live parts (e.g. bulk-charge progress): put data-live, hx-get, hx-trigger="every Ns"
 * and hx-select on the element; nothing else is needed. */
document.addEventListener("htmx:beforeRequest", function (event) {
  var elt = event.detail.elt;
  if (document.hidden && elt && elt.hasAttribute && elt.hasAttribute("data-live")) event.preventDefault();
});
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target;
  if (!target || !target.closest || !target.closest("[data-live]")) return;
  var xhr = event.detail.xhr;
  if (xhr && /\/accounts\/login\//.test(xhr.responseURL || "")) {
    event.detail.shouldSwap = false; // signed out meanwhile: keep what is shown
    return;
  }
  var active = document.activeElement;
  var busy = (active && active !== document.body && target.contains(active)) ||
    target.querySelector("input[type=checkbox]:checked");
  if (busy) event.detail.shouldSwap = false;
});

/* A select that submits its form when changed (data-autosubmit), without an inline onchange. */
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
});

/* Payments table: columns a user hides (Columns menu), remembered in this browser. Cells are
 * hidden by their header's position, again after the rows update themselves. */
(function () {
  var KEY = "textpay.hiddenColumns";
  function hiddenSet() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function apply() {
    var table = document.querySelector("[data-columns-table]");
    if (!table) return;
    var hidden = hiddenSet();
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, index) {
      var off = hidden.indexOf(th.getAttribute("data-col")) !== -1;
      th.hidden = off;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        if (row.children.length === heads.length && row.children[index]) row.children[index].hidden = off;
      });
    });
    document.querySelectorAll("[data-column-toggle]").forEach(function (box) {
      box.checked = hidden.indexOf(box.getAttribute("data-column-toggle")) === -1;
    });
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.hasAttribute || !box.hasAttribute("data-column-toggle")) return;
    var key = box.getAttribute("data-column-toggle");
    var hidden = hiddenSet().filter(function (k) { return k !== key; });
    if (!box.checked) hidden.push(key);
    try { localStorage.setItem(KEY, JSON.stringify(hidden)); } catch (e) { /* private mode */ }
    apply();
  });
  document.addEventListener("DOMContentLoaded", apply);
  document.addEventListener("htmx:afterSwap", apply);
})();

/* Without inline handlers (the Content-Security-Policy allows only our own scripts): confirm before a
 * destructive form is sent (data-confirm), go back (data-back), submit a select on change (data-autosubmit). */
document.addEventListener("submit", function (event) {
  var form = event.target.closest && event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
});
document.addEventListener("click", function (event) {
  var back = event.target.closest && event.target.closest("a[data-back]");
  if (back && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
document.addEventListener("change", function (event) {
  var select = event.target.closest && event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.submit();
});
