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

/* "Sao chép liên kết": copies the page's address and says so; without the clipboard the link stays
   a plain link to the page, which residents can long-press to copy. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var link = document.querySelector("[data-copy-link]");
    var status = document.querySelector("[data-copy-status]");
    if (!link || !status || !navigator.clipboard) { return; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      navigator.clipboard.writeText(link.href).then(function () {
        status.textContent = "Đã sao chép liên kết của trang.";
      }, function () {
        status.textContent = "Không sao chép được: nhấn giữ liên kết để sao chép.";
      });
    });
  });
})();
