// A source-analysis task's answer page: one textarea per prompt, cite buttons beside the
// source's paragraphs, and evidence chips under each answer.
//
// The answers are saved as one text, a "## Label" heading per prompt (the same rendering as
// courseware.models.analysis.render_answers). This file keeps that text, in the form's hidden
// #essay-text, in step with the answers and fires its input event; editor.js then saves it as it
// saves an essay (autosave, revision check, conflict choice, a copy on this device). When
// editor.js replaces the text (a restored copy, a conflict choice) the answers are read back.
(function () {
  "use strict";

  var form = document.querySelector("form[data-analysis]");
  if (!form) return;
  var joined = document.getElementById("essay-text");
  var fields = Array.prototype.slice.call(form.querySelectorAll("textarea[data-answer-field]"));
  var status = document.getElementById("reading-status");
  var messages = document.getElementById("editor-messages").dataset;
  var readingSlug = form.dataset.reading;
  var readingUrl = form.dataset.readingUrl;
  var lastField = fields[0] || null;

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  var headings = fields.map(function (field) { return "## " + field.dataset.label; });
  var alternatives = headings.map(escapeRegExp).join("|");
  var ESCAPE = new RegExp("^(\\\\*)(" + alternatives + ")[ \\t]*$", "gm");
  var UNESCAPE = new RegExp("^\\\\(\\\\*)(" + alternatives + ")[ \\t]*$");

  function stripNewlines(text) {
    return text.replace(/^\n+/, "").replace(/\n+$/, "");
  }

  function compose() {
    var parts = fields.map(function (field, index) {
      var answer = stripNewlines(field.value.replace(/\r\n/g, "\n"));
      answer = answer.replace(ESCAPE, function (_, slashes, heading) {
        return "\\" + slashes + heading;
      });
      return headings[index] + "\n\n" + answer;
    });
    return parts.length ? parts.join("\n\n").replace(/\s+$/, "") + "\n" : "";
  }

  function parse(text) {
    var answers = fields.map(function () { return []; });
    var current = 0;
    var expected = 0;
    text.replace(/\r\n/g, "\n").split("\n").forEach(function (line) {
      if (expected < fields.length && line.replace(/\s+$/, "") === headings[expected]) {
        current = expected;
        expected += 1;
        return;
      }
      answers[current].push(line);
    });
    return answers.map(function (lines) {
      return stripNewlines(lines.map(function (line) {
        return line.replace(UNESCAPE, function (_, slashes, heading) { return slashes + heading; });
      }).join("\n"));
    });
  }

  // --- Evidence chips: the paragraphs each answer cites ------------------------------------------
  var CITATION = /\[\[([A-Za-z0-9_-]{1,80})#p-([1-9][0-9]{0,6})\]\]/g;

  function renderChips(field) {
    var list = form.querySelector('[data-chips-for="' + field.dataset.answerField + '"]');
    if (!list) return;
    var seen = {};
    list.replaceChildren();
    field.value.replace(CITATION, function (_, slug, number) {
      var key = slug + "#" + number;
      if (seen[key]) return _;
      seen[key] = true;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.className = "evidence-chip";
      link.href = readingUrl.replace(readingSlug + "/", slug + "/") + "#p-" + number;
      link.textContent = (slug === readingSlug ? "" : slug + " ") + "\u00b6" + number;
      item.append(link);
      list.append(item);
      return _;
    });
  }

  function syncJoined() {
    var text = compose();
    if (text === joined.value) return;
    joined.value = text;
    joined.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function readBack() {
    parse(joined.value).forEach(function (answer, index) {
      fields[index].value = answer;
      renderChips(fields[index]);
    });
  }

  fields.forEach(function (field) {
    field.addEventListener("input", function () {
      renderChips(field);
      syncJoined();
    });
    field.addEventListener("focus", function () { lastField = field; });
  });
  joined.addEventListener("lectern:replaced", readBack);
  // editor.js may already have put back a copy kept on this device.
  if (joined.value !== joined.defaultValue) readBack();

  // --- Citing a paragraph of the source -----------------------------------------------------------
  function insertAtCaret(field, insert) {
    var start = field.selectionStart;
    var end = field.selectionEnd;
    var before = field.value.slice(0, start);
    var spaced = (before && !/\s$/.test(before) ? " " : "") + insert;
    field.setRangeText(spaced, start, end, "end");
    field.focus();
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.querySelectorAll("[data-cite-paragraph]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = lastField;
      if (!field || field.readOnly) return;
      var cite = button.dataset.citeParagraph;
      insertAtCaret(field, cite);
      status.textContent = messages.cited
        .replace("%(number)s", cite.replace(/^.*#p-(\d+)\]\]$/, "$1"))
        .replace("%(field)s", field.dataset.label);
    });
  });

  // The preview shows the joined answers; the answer boxes step aside while it does.
  var previewToggle = document.getElementById("preview-toggle");
  if (previewToggle) {
    previewToggle.addEventListener("click", function () {
      var showing = previewToggle.getAttribute("aria-pressed") === "true";
      form.querySelectorAll(".analysis-field").forEach(function (box) { box.hidden = showing; });
    });
  }
})();
