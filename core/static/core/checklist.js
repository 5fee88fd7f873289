/* Lists of checkboxes (core.forms.Checklist): a box above each long list filters its options by what
   is typed, accents and case ignored; the chosen ones always stay shown. Without script the list is
   simply all there. Loaded as a static file (the CSP forbids inline scripts). */
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function enhance(list) {
    var options = Array.prototype.slice.call(list.children);
    if (options.length < 8 || list.dataset.checklistReady) { return; }
    list.dataset.checklistReady = "1";
    list.classList.add("checklist");
    var box = document.createElement("input");
    box.type = "search";
    box.className = "checklist-filter";
    box.placeholder = document.documentElement.lang === "es" ? "Filtrar la lista" : "Filter the list";
    box.setAttribute("aria-label", box.placeholder);
    box.addEventListener("input", function () {
      var wanted = fold(box.value.trim());
      options.forEach(function (option) {
        var input = option.querySelector("input");
        var shown = !wanted || (input && input.checked) || fold(option.textContent).indexOf(wanted) !== -1;
        option.hidden = !shown;
      });
    });
    list.parentNode.insertBefore(box, list);
  }
  function run(root) {
    (root || document).querySelectorAll("input[data-checklist]").forEach(function (input) {
      var list = input.closest("div[id]");
      if (list) { enhance(list); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { run(); });
  document.addEventListener("htmx:afterSwap", function (event) { run(event.target); });
})();
