/* Progressive enhancements of the CTG forms: each page works without this file. */
(function () {
  "use strict";

  // Lists edited as formsets (signatories, avenants, levels): add an empty row in place, as
  // many as needed, without a round trip to the server. Without this file, the page keeps its
  // empty rows and the user saves to get more.
  document.querySelectorAll("[data-formset-add]").forEach(function (button) {
    var prefix = button.dataset.formsetAdd;
    var rows = document.querySelector('[data-formset-rows="' + prefix + '"]');
    var template = document.getElementById(prefix + "-ligne-vide");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    if (!rows || !template || !total) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = rows.lastElementChild;
      var legend = added.querySelector("legend");
      if (legend) { legend.textContent += " (" + (index + 1) + ")"; }
      var first = added.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    });
  });

  // Give the focus to the error summary so that screen readers announce it.
  var summary = document.getElementById("resume-erreurs");
  if (summary) { summary.focus(); }

  // Creation page: fill the slug from the name until the user types one.
  var form = document.querySelector("form[data-slug-from]");
  if (form) {
    var name = document.getElementById(form.dataset.slugFrom);
    var slug = document.getElementById(form.dataset.slugTo);
    var touched = slug.value !== "";
    var slugify = function (text) {
      return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
        .replace(/œ/g, "oe").replace(/æ/g, "ae")
        .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 116);
    };
    slug.addEventListener("input", function () { touched = slug.value !== ""; });
    name.addEventListener("input", function () { if (!touched) { slug.value = slugify(name.value); } });
  }

  // Creation page: only list the EPCI of the chosen département.
  var departement = document.getElementById("id_departement");
  var epci = document.getElementById("id_epci");
  if (departement && epci) {
    var filterEpci = function () {
      var code = departement.value;
      Array.prototype.forEach.call(epci.querySelectorAll("optgroup"), function (group) {
        var visible = !code || group.label.indexOf(code + " ") === 0;
        group.hidden = !visible;
        group.disabled = !visible;
      });
      var selected = epci.options[epci.selectedIndex];
      if (selected && selected.parentElement.disabled) { epci.value = ""; }
    };
    departement.addEventListener("change", filterEpci);
    filterEpci();
  }

  // Territory page: keep the communes ticked in a search when the next search replaces the results.
  var results = document.getElementById("resultats-communes");
  var chosen = document.getElementById("communes-choisies");
  if (results && chosen) {
    results.addEventListener("change", function (event) {
      var box = event.target;
      if (box.name !== "add" || !box.checked) { return; }
      if (!chosen.querySelector("p")) {
        var title = document.createElement("p");
        title.className = "fr-text--sm fr-text--bold fr-mb-1w";
        title.textContent = "Communes choisies, ajoutées à l’enregistrement :";
        chosen.appendChild(title);
      }
      chosen.appendChild(box.closest(".fr-checkbox-group"));
    });
  }
})();

// Territory page: drop from new results the communes already chosen (one checkbox per commune).
document.addEventListener("htmx:afterSwap", function (event) {
  "use strict";
  var chosen = document.getElementById("communes-choisies");
  if (!chosen || event.target.id !== "resultats-communes") { return; }
  Array.prototype.forEach.call(chosen.querySelectorAll("input[name=add]"), function (box) {
    var twin = event.target.querySelector("input[name=add][value='" + box.value + "']");
    if (twin) { twin.closest(".fr-checkbox-group").remove(); }
  });
});
