/* Action plan pages: focus after an htmx reorder, and small helpers of the fiche form.
   Everything here is an enhancement: the pages work without JavaScript. */
(function () {
  "use strict";

  // After "Monter" / "Descendre", keep the keyboard focus on the moved element's button.
  document.addEventListener("htmx:afterSettle", function () {
    var target = document.querySelector("[data-plan-focus]");
    if (target) {
      target.removeAttribute("data-plan-focus");
      target.focus();
    }
  });

  // Formsets: "Ajouter une ligne" clones the empty form kept in a <template>.
  document.querySelectorAll("[data-formset-add]").forEach(function (button) {
    button.hidden = false;
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) {
      return;
    }
    var prefix = button.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty-form");
    var list = document.getElementById(prefix + "-forms");
    if (!total || !template || !list) {
      return;
    }
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    list.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = list.lastElementChild.querySelector("input:not([type=hidden]), select, textarea");
    if (added) {
      added.focus();
    }
  });

  // Pilots and partners: pick an existing organisation from the datalist and append it.
  document.querySelectorAll("[data-organisation-picker]").forEach(function (picker) {
    picker.hidden = false;
    var input = picker.querySelector("input");
    var button = picker.querySelector("button");
    var textarea = document.getElementById(picker.getAttribute("data-organisation-picker"));
    function append() {
      var name = input.value.trim();
      if (!name || !textarea) {
        return;
      }
      var current = textarea.value.replace(/\s+$/, "");
      textarea.value = current ? current + "\n" + name : name;
      input.value = "";
      input.focus();
    }
    button.addEventListener("click", append);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        append();
      }
    });
  });
})();
