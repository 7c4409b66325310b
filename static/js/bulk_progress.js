// Live progress of a bulk charge: polls the progress URL every second and updates the bar and the
// counts without reloading the page (external file: no inline script, so a strict CSP is fine).
(function () {
  var box = document.getElementById("bulk-progress");
  if (!box) return;
  var bar = document.getElementById("bulk-bar");
  function show(data) {
    ["done", "failed", "left", "status"].forEach(function (name) {
      var el = box.querySelector('[data-field="' + name + '"]');
      if (el) el.textContent = data[name];
    });
    bar.max = data.total;
    bar.value = data.done + data.failed;
    box.setAttribute("data-status", data.status);
  }
  function poll() {
    fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        show(data);
        if (data.status !== "done") setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
