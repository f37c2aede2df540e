// "Use as evidence": a button in the essay editor's readings panel puts a quotation and its
// citation into the essay.
//
// Contract (source-analysis answers and annotations render the same buttons):
//   <button type="button" data-use-evidence data-quote="<text>" data-cite="[[slug#p-N]]">
// inserts  "<text>" [[slug#p-N]]  at the caret of the essay (#essay-text), or at its end when the
// writer has not been in the essay yet, fires the essay's input event (so autosave and the word
// count see it, as they see typing) and announces it in a polite live region. An optional
// data-announce on the button overrides the announcement.
(function () {
  "use strict";

  var essay = document.getElementById("essay-text");
  if (!essay) return;

  var DEFAULT_ANNOUNCE = "Quotation and citation inserted into your essay.";
  var beenInEssay = false;
  essay.addEventListener("focus", function () { beenInEssay = true; });

  var live = document.querySelector("[data-use-evidence-status]");
  if (!live) {
    live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("data-use-evidence-status", "");
    document.body.append(live);
  }

  function evidenceText(quote, cite) {
    var text = '"' + quote.trim() + '"';
    return cite ? text + " " + cite.trim() : text;
  }

  function insert(text) {
    var start = beenInEssay ? essay.selectionStart : essay.value.length;
    var end = beenInEssay ? essay.selectionEnd : essay.value.length;
    var before = essay.value.slice(0, start);
    var after = essay.value.slice(end);
    var spaced = (before && !/\s$/.test(before) ? " " : "") + text +
      (after && !/^\s/.test(after) ? " " : "");
    essay.focus();
    essay.setSelectionRange(start, end);
    // execCommand keeps the browser's undo history and fires the input event itself.
    var done = false;
    try {
      done = document.execCommand("insertText", false, spaced);
    } catch (error) {
      done = false;
    }
    if (!done || essay.value.slice(start, start + spaced.length) !== spaced) {
      essay.setRangeText(spaced, start, end, "end");
      essay.dispatchEvent(new Event("input", { bubbles: true }));
    }
    beenInEssay = true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-use-evidence]");
    if (!button || essay.readOnly) return;
    event.preventDefault();
    insert(evidenceText(button.dataset.quote || "", button.dataset.cite || ""));
    live.textContent = "";
    // A fresh text node, so the same announcement twice in a row is still read.
    window.setTimeout(function () {
      live.textContent = button.dataset.announce || DEFAULT_ANNOUNCE;
    }, 50);
  });
})();
