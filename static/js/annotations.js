// Annotating a reading: choose a passage by mouse, touch or keyboard and annotate it in a dialog.
// Without this script each paragraph's "Annotate" link opens a plain form under it, where a
// passage can be quoted by pasting its words.
//
// Keyboard: "Annotate paragraph N" opens the dialog on the whole paragraph; the "First word" and
// "Last word" fields choose a span (arrow keys step word by word) and the chosen words are
// announced. Mouse or touch: select words in a paragraph, then "Annotate the selected words".
(function () {
  "use strict";

  var reading = document.querySelector(".annotated-reading[data-annotatable='true']");
  var dialog = document.getElementById("annotate-dialog");
  var messages = document.getElementById("annotate-messages");
  if (!reading || !dialog || !messages || typeof dialog.showModal !== "function") return;

  var form = document.getElementById("annotate-dialog-form");
  var title = document.getElementById("annotate-dialog-title");
  var firstInput = document.getElementById("dlg-first");
  var lastInput = document.getElementById("dlg-last");
  var preview = document.getElementById("span-preview");
  var live = document.getElementById("span-live");
  var opener = null;
  var current = { number: null, text: "", words: [] };

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, name) {
      return values[name] === undefined ? "" : String(values[name]);
    });
  }

  function wordsOf(text) {
    var words = [];
    var pattern = /\S+/g;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      words.push({ start: match.index, end: match.index + match[0].length });
    }
    return words;
  }

  function paragraphText(number) {
    var element = reading.querySelector(".ap-text[data-paragraph='" + number + "']");
    return element ? element.textContent : "";
  }

  function chosen() {
    var first = parseInt(firstInput.value, 10) || 0;
    var last = parseInt(lastInput.value, 10) || 0;
    if (first < 1 || last < 1) return null;
    return { first: first, last: last };
  }

  function clamp() {
    var count = current.words.length;
    var first = Math.max(0, Math.min(count, parseInt(firstInput.value, 10) || 0));
    var last = Math.max(0, Math.min(count, parseInt(lastInput.value, 10) || 0));
    return { first: first, last: last };
  }

  function update(changed) {
    var range = clamp();
    if (changed === "first") {
      if (range.first === 0) range.last = 0;
      else if (range.last < range.first) range.last = range.first;
    } else if (changed === "last") {
      if (range.last === 0) range.first = 0;
      else if (range.first === 0 || range.first > range.last) range.first = range.last;
    }
    firstInput.value = range.first;
    lastInput.value = range.last;
    render();
  }

  function render() {
    var span = chosen();
    var text = current.text;
    var count = current.words.length;
    preview.textContent = "";
    var exact = "";
    var start = "";
    if (span) {
      var from = current.words[span.first - 1].start;
      var to = current.words[span.last - 1].end;
      exact = text.slice(from, to);
      start = String(from);
      preview.appendChild(document.createTextNode(text.slice(0, from)));
      var mark = document.createElement("mark");
      mark.textContent = exact;
      preview.appendChild(mark);
      preview.appendChild(document.createTextNode(text.slice(to)));
      live.textContent = format(messages.dataset.span, {
        first: span.first,
        last: span.last,
        count: count,
        quote: "“" + exact + "”",
      });
    } else {
      preview.textContent = text;
      live.textContent = format(messages.dataset.whole, { count: count });
    }
    form.elements.exact.value = exact;
    form.elements.start.value = start;
  }

  function open(number, span, from) {
    opener = from || null;
    current.number = number;
    current.text = paragraphText(number);
    current.words = wordsOf(current.text);
    title.textContent = format(messages.dataset.title, { number: number });
    form.elements.paragraph.value = number;
    firstInput.max = current.words.length;
    lastInput.max = current.words.length;
    firstInput.value = span ? span.first : 0;
    lastInput.value = span ? span.last : 0;
    render();
    dialog.showModal();
    firstInput.focus();
  }

  dialog.addEventListener("close", function () {
    if (opener && document.body.contains(opener)) opener.focus();
  });
  document.getElementById("dlg-cancel").addEventListener("click", function () {
    dialog.close();
  });
  firstInput.addEventListener("input", function () {
    update("first");
  });
  lastInput.addEventListener("input", function () {
    update("last");
  });

  reading.addEventListener("click", function (event) {
    var link = event.target.closest(".ap-annotate");
    if (link) {
      event.preventDefault();
      open(link.dataset.paragraph, null, link);
      return;
    }
    var button = event.target.closest(".ap-annotate-selection");
    if (button) {
      var span = { first: Number(button.dataset.first), last: Number(button.dataset.last) };
      open(button.dataset.paragraph, span, button);
      button.remove();
    }
  });

  // Mouse and touch: a selection within one paragraph offers to annotate those words.
  function offsetIn(element, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(element);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function offerSelection() {
    var selection = window.getSelection();
    reading.querySelectorAll(".ap-annotate-selection").forEach(function (old) {
      old.remove();
    });
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    var range = selection.getRangeAt(0);
    var startEl = range.startContainer.parentElement && range.startContainer.parentElement.closest(".ap-text");
    var endEl = range.endContainer.parentElement && range.endContainer.parentElement.closest(".ap-text");
    if (!startEl || startEl !== endEl) return;
    var from = offsetIn(startEl, range.startContainer, range.startOffset);
    var to = offsetIn(startEl, range.endContainer, range.endOffset);
    var words = wordsOf(startEl.textContent);
    var first = 0;
    var last = 0;
    words.forEach(function (word, index) {
      if (word.end > from && word.start < to) {
        if (!first) first = index + 1;
        last = index + 1;
      }
    });
    if (!first) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ap-annotate-selection";
    button.textContent = messages.dataset.select;
    button.dataset.paragraph = startEl.dataset.paragraph;
    button.dataset.first = first;
    button.dataset.last = last;
    var actions = startEl.parentElement.querySelector(".ap-actions");
    (actions || startEl.parentElement).appendChild(button);
  }

  var timer = null;
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(offerSelection, 250);
  });

  // The page was reached at an annotation (after posting one): show it.
  if (window.location.hash.indexOf("#annotation-") === 0) {
    var target = document.getElementById(window.location.hash.slice(1));
    if (target) target.classList.add("annotation-current");
  }
})();
