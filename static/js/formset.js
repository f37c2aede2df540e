// "Add another" for Django formsets without a round trip. The page works without this: the
// add button is then a plain submit that comes back with one more empty form.
// Markup: a container [data-formset=PREFIX] holding the forms, a <template id="PREFIX-empty">
// with the formset's empty_form, and a button [data-formset-add=PREFIX].
(function () {
  "use strict";
  function add(prefix) {
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var container = document.querySelector('[data-formset="' + prefix + '"]');
    if (!total || !template || !container) return false;
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return true;
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    container.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = container.lastElementChild;
    var first = added && added.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
    return true;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (button && add(button.getAttribute("data-formset-add"))) event.preventDefault();
  });
  // A form marked for deletion is dimmed so what will be saved is plain to see.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches('input[type=checkbox][name$="-DELETE"]')) {
      var form = box.closest("[data-formset-form]");
      if (form) form.classList.toggle("to-delete", box.checked);
    }
  });
})();
