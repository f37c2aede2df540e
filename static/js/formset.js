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
    if (added) revealLevelTools(added);
    var first = added && added.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
    return true;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (button && add(button.getAttribute("data-formset-add"))) event.preventDefault();
  });

  // Levels of a rubric criterion: added, removed and moved in place. The rows' field names
  // (…-level_<n>_title) are renumbered after each change so the order posted is the order
  // shown, and the criterion's hidden level count follows. Without this script "Add a level"
  // is a plain submit that comes back with one more empty row.
  var MAX_LEVELS = 10;
  function revealLevelTools(scope) {
    scope.querySelectorAll("[data-level-tools]").forEach(function (el) { el.hidden = false; });
  }
  function renumber(fieldset) {
    var rows = fieldset.querySelectorAll("[data-level-row]");
    rows.forEach(function (row, i) {
      var n = String(i + 1);
      row.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(/level_\d+_/, "level_" + n + "_"));
        });
      });
      row.querySelectorAll("label, [data-level-tools] .visually-hidden").forEach(function (el) {
        el.textContent = el.textContent.replace(/\d+/, n);
      });
      var up = row.querySelector('[data-level-move="up"]');
      var down = row.querySelector('[data-level-move="down"]');
      var remove = row.querySelector("[data-level-remove]");
      if (up) up.disabled = i === 0;
      if (down) down.disabled = i === rows.length - 1;
      if (remove) remove.disabled = rows.length === 1;
    });
    var count = fieldset.querySelector("[data-level-count]");
    if (count) count.value = String(rows.length);
    var addButton = fieldset.querySelector("[data-level-add]");
    if (addButton) addButton.disabled = rows.length >= MAX_LEVELS;
  }
  function addLevel(fieldset) {
    var rows = fieldset.querySelectorAll("[data-level-row]");
    if (!rows.length || rows.length >= MAX_LEVELS) return;
    var last = rows[rows.length - 1];
    var row = last.cloneNode(true);
    row.querySelectorAll("input, textarea").forEach(function (field) {
      field.value = "";
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
    });
    row.querySelectorAll(".errorlist").forEach(function (el) { el.remove(); });
    last.after(row);
    renumber(fieldset);
    var first = row.querySelector("input, textarea");
    if (first) first.focus();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-level-add], [data-level-move], [data-level-remove]");
    if (!button) return;
    var fieldset = button.closest("[data-formset-form]");
    if (!fieldset) return;
    event.preventDefault();
    if (button.hasAttribute("data-level-add")) {
      addLevel(fieldset);
      return;
    }
    var row = button.closest("[data-level-row]");
    if (button.hasAttribute("data-level-remove")) {
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber(fieldset);
      var focus = next && next.querySelector("[data-level-remove]");
      if (focus) focus.focus();
      return;
    }
    var up = button.getAttribute("data-level-move") === "up";
    var sibling = up ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling) return;
    if (up) sibling.before(row); else sibling.after(row);
    renumber(fieldset);
    // Keep the focus on the same button; at the top (or bottom) it is disabled, so the other.
    var same = row.querySelector('[data-level-move="' + (up ? "up" : "down") + '"]');
    var other = row.querySelector('[data-level-move="' + (up ? "down" : "up") + '"]');
    (same && !same.disabled ? same : other).focus();
  });
  document.querySelectorAll("[data-formset-form]").forEach(function (fieldset) {
    if (fieldset.querySelector("[data-level-row]")) {
      revealLevelTools(fieldset);
      renumber(fieldset);
    }
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
