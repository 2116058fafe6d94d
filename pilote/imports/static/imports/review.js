/* Plan import review: after an in-place correction (htmx), put the keyboard focus back on the
   element just changed, or on the status message. The page works without JavaScript. */
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function () {
    var target = document.querySelector("#relecture [data-review-focus]");
    if (target) {
      target.removeAttribute("data-review-focus");
      target.focus();
    }
  });
})();
