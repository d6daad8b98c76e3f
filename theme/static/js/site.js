/* Progressive enhancement only: the site reads fully without this file.
   Text size control (A- / A / A+), remembered on this device. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "cc-textsize";
  var MIN = -1, MAX = 2;

  function read() {
    try { return parseInt(window.localStorage.getItem(KEY) || "0", 10) || 0; } catch (e) { return 0; }
  }
  function apply(step) {
    step = Math.max(MIN, Math.min(MAX, step));
    if (step === 0) { root.removeAttribute("data-textsize"); } else { root.setAttribute("data-textsize", String(step)); }
    try { window.localStorage.setItem(KEY, String(step)); } catch (e) { /* private mode: not remembered */ }
    return step;
  }

  var current = apply(read());
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-textsize-control]");
    if (!box) { return; }
    var buttons = Array.prototype.slice.call(box.querySelectorAll("button[data-size]"));
    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        var d = parseInt(b.getAttribute("data-size"), 10);
        current = apply(d === 0 ? 0 : current + d);
      });
    });
    box.hidden = false;
  });
})();
