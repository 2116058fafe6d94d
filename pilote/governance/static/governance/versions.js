/* Side-by-side page: the print button (the page prints without it, from the browser's menu). */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-gov-print]"), function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
