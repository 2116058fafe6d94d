/* Update form (follow-up table, update page, action page): the hint under the progress when the
   status and the progress do not go together (« Réalisée » below 100 %, or 100 % and another
   status). It never blocks: see pilote.monitoring.forms.consistency_hint, the same rule. The
   listener is on the document, so that the forms htmx swaps in are covered too. */
(function () {
  "use strict";
  function update(hint) {
    var form = hint.closest("form");
    if (!form) { return; }
    var status = form.querySelector('[name="' + hint.dataset.status + '"]');
    var progress = form.querySelector('[name="' + hint.dataset.progress + '"]');
    if (!status || !progress) { return; }
    var value = progress.value.trim() === "" ? NaN : Number(progress.value);
    var text = "";
    if (status.value === "realisee" && value < 100) {
      text = hint.dataset.doneNotFull;
    } else if (status.value !== "realisee" && value === 100) {
      text = hint.dataset.fullNotDone;
    }
    if (hint.textContent !== text) { hint.textContent = text; }
    hint.hidden = text === "";
  }
  function onChange(event) {
    var form = event.target.closest && event.target.closest("form");
    var hint = form && form.querySelector("[data-fu-hint]");
    if (hint) { update(hint); }
  }
  document.addEventListener("input", onChange);
  document.addEventListener("change", onChange);
})();
