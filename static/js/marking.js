// The marking page: live marks, autosave through the API, inline comments on a selected
// passage, the comment bank and keyboard shortcuts. On the feedback page it only highlights the
// passages that inline comments are about. Without it the pages still work: the marking form
// posts every criterion, and inline comments are listed under the essay.
(function () {
  "use strict";

  // --- Text positions --------------------------------------------------------------------------
  // Offsets count characters (code points, as the server counts them) through a paragraph's
  // text as read: the passages that citations show on hover are not part of it.

  function isHidden(node, paragraph) {
    for (var el = node.parentNode; el && el !== paragraph; el = el.parentNode) {
      if (el.classList && el.classList.contains("citation-passage")) return true;
    }
    return false;
  }

  function textNodes(paragraph) {
    var nodes = [];
    var walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      if (!isHidden(walker.currentNode, paragraph)) nodes.push(walker.currentNode);
    }
    return nodes;
  }

  function chars(text) {
    return Array.from(text).length;
  }

  function paragraphText(paragraph) {
    return textNodes(paragraph).map(function (n) { return n.data; }).join("");
  }

  function offsetIn(paragraph, container, offset) {
    // The character offset in the paragraph's text of a DOM position (container, offset).
    var boundary = document.createRange();
    boundary.setStart(container, offset);
    boundary.collapse(true);
    var nodes = textNodes(paragraph);
    var total = 0;
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      if (node === container) return total + chars(node.data.slice(0, offset));
      // A text node that ends after the position is past it.
      if (boundary.comparePoint(node, node.length) > 0) return total;
      total += chars(node.data);
    }
    return total;
  }

  function highlight(paragraph, start, end, comment) {
    // Wrap the characters [start, end) of the paragraph's text in <mark> elements.
    var nodes = textNodes(paragraph);
    var position = 0;
    var marks = [];
    nodes.forEach(function (node) {
      var length = chars(node.data);
      var from = Math.max(start, position);
      var to = Math.min(end, position + length);
      if (from < to) {
        var codePoints = Array.from(node.data);
        var before = codePoints.slice(0, from - position).join("").length;
        var inside = codePoints.slice(from - position, to - position).join("").length;
        var target = node;
        if (before > 0) target = target.splitText(before);
        if (inside < target.data.length) target.splitText(inside);
        var mark = document.createElement("mark");
        mark.className = "inline-mark";
        mark.dataset.comment = comment.id;
        mark.title = comment.text;
        target.parentNode.insertBefore(mark, target);
        mark.appendChild(target);
        marks.push(mark);
      }
      position += length;
    });
    return marks;
  }

  function highlightAll(essay, list) {
    if (!essay || !list) return;
    list.querySelectorAll("li[data-comment]").forEach(function (item) {
      var paragraph = findParagraph(essay, item.dataset.paragraph);
      if (!paragraph) return;
      var text = item.querySelector(".inline-text");
      highlight(paragraph, Number(item.dataset.start), Number(item.dataset.end), {
        id: item.dataset.comment,
        text: text ? text.textContent : "",
      });
    });
  }

  function findParagraph(essay, number) {
    return essay.querySelectorAll(":scope > p.essay-paragraph")[Number(number) - 1] || null;
  }

  // The feedback page: highlights only.
  var essay = document.getElementById("essay");
  var form = document.getElementById("marking-form");
  if (!form) {
    highlightAll(essay, document.getElementById("inline-comment-list"));
    return;
  }
  highlightAll(essay, document.getElementById("inline-comment-list"));

  // --- Talking to the server -------------------------------------------------------------------

  function csrfToken() {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function api(method, url, body, keepalive) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      keepalive: Boolean(keepalive),
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      if (response.status === 204) return { ok: true, status: 204, data: null };
      return response.json().then(
        function (data) { return { ok: response.ok, status: response.status, data: data }; },
        function () { return { ok: response.ok, status: response.status, data: {} }; }
      );
    });
  }

  var editable = form.dataset.editable === "true";
  var released = form.dataset.released === "true";
  var status = document.getElementById("save-status");
  var revisionField = document.getElementById("revision");

  function say(message, isError) {
    if (!status) return;
    status.textContent = message;
    status.classList.toggle("error", Boolean(isError));
  }

  function timeNow() {
    return new Date().toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  }

  // --- Live marks ------------------------------------------------------------------------------

  var penalty = Number(form.dataset.penalty || 0);

  function roundHalfUp(value) {
    // Half up at two places, as the server rounds (on hundredths, to dodge binary fractions).
    return Math.round((value + Number.EPSILON) * 100) / 100;
  }

  function show(value) {
    return String(Number(value.toFixed(2)));
  }

  function criteria() {
    return Array.prototype.slice.call(form.querySelectorAll("fieldset.criterion"));
  }

  function chosen(fieldset) {
    return fieldset.querySelector("input[type=radio]:checked");
  }

  function marksField(fieldset) {
    return fieldset.querySelector("input[type=number]");
  }

  // The marks a criterion adds to the total: the chosen level's, or the marks typed within its
  // band (above the next level down, up to this level's). A typed value outside the band, or one
  // left over from the previous level while a new one is chosen, is flagged and counted at the
  // nearest mark the band allows, so the total never reads "99 / 8".
  function criterionMarks(fieldset) {
    var level = chosen(fieldset);
    var field = marksField(fieldset);
    if (!level || !level.value) {
      field.removeAttribute("aria-invalid");
      return 0;
    }
    var top = Number(level.dataset.marks);
    var bottom = level.dataset.above ? Number(level.dataset.above) + 0.01 : 0;
    var text = field.value.trim();
    if (text === "") {
      field.removeAttribute("aria-invalid");
      return top;
    }
    var given = Number(text);
    var valid = !isNaN(given) && given >= bottom && given <= top;
    // Only the invalid state is marked: Pico colours aria-invalid="false" green.
    if (valid) field.removeAttribute("aria-invalid");
    else field.setAttribute("aria-invalid", "true");
    if (isNaN(given)) return top;
    return Math.min(Math.max(given, bottom), top);
  }

  // A task marked with one overall mark has a single number field instead of criteria.
  var overallMark = document.getElementById("overall-mark");

  function recompute() {
    var raw = 0;
    criteria().forEach(function (fieldset) {
      raw += criterionMarks(fieldset);
    });
    if (overallMark && overallMark.value.trim() !== "") {
      var given = Number(overallMark.value);
      var valid = !isNaN(given) && given >= 0 && given <= Number(overallMark.max);
      if (valid) overallMark.removeAttribute("aria-invalid");
      else overallMark.setAttribute("aria-invalid", "true");
      if (valid) raw += given;
    }
    raw = roundHalfUp(raw);
    var final = roundHalfUp((raw * (100 - penalty)) / 100);
    document.getElementById("raw-mark").textContent = show(raw);
    document.getElementById("final-mark").textContent = show(final);
  }

  function onLevelChosen(radio) {
    var fieldset = radio.closest("fieldset.criterion");
    var field = marksField(fieldset);
    if (radio.value) {
      field.value = String(Number(radio.dataset.marks));
      field.max = radio.dataset.marks;
      field.min = radio.dataset.above ? String(Number(radio.dataset.above) + 0.01) : "0";
    } else {
      field.value = "";
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") onLevelChosen(event.target);
    recompute();
  });
  form.addEventListener("input", recompute);

  // --- Autosave --------------------------------------------------------------------------------

  function payload() {
    var body = {
      criteria: criteria().map(function (fieldset) {
        var level = chosen(fieldset);
        var field = marksField(fieldset);
        var comment = fieldset.querySelector("textarea").value;
        var entry = { criterion: Number(fieldset.dataset.criterion), comment: comment };
        if (level && level.value) {
          entry.level = Number(level.value);
          if (field.value.trim() !== "") entry.marks = field.value.trim();
        }
        return entry;
      }),
      overall_comment: document.getElementById("overall-comment").value,
      revision: Number(revisionField.value),
    };
    if (overallMark) {
      body.overall_mark = overallMark.value.trim() === "" ? null : overallMark.value.trim();
    }
    return body;
  }

  var dirty = false;
  var saving = null;
  var timer = null;
  var stopped = false;
  // Released grades are saved only when the marker says so: the student sees every save.
  var autosave = editable && !released;

  function applySaved(data) {
    revisionField.value = data.revision;
    document.getElementById("raw-mark").textContent = show(Number(data.raw_mark));
    document.getElementById("final-mark").textContent = show(Number(data.final_mark));
    penalty = Number(data.late_penalty_percent);
  }

  function save(keepalive) {
    if (stopped || !dirty) return saving || Promise.resolve(true);
    if (saving) {
      return saving.then(function () { return save(keepalive); });
    }
    dirty = false;
    say("Saving…");
    saving = api("PUT", form.dataset.apiUrl, payload(), keepalive)
      .then(function (result) {
        saving = null;
        if (result.ok) {
          applySaved(result.data);
          say("Saved at " + timeNow());
          return true;
        }
        if (result.status === 409) {
          stopped = true;
          say((result.data && result.data.detail) || "This grade was changed elsewhere; reload the page.", true);
          return false;
        }
        dirty = true;
        say("Not saved: " + ((result.data && result.data.detail) || "the server refused it."), true);
        return false;
      })
      .catch(function () {
        saving = null;
        dirty = true;
        say("Not saved: no connection. Your marking stays on this page; it saves when you are back online.", true);
        return false;
      });
    return saving;
  }

  function changed() {
    if (!autosave) return;
    dirty = true;
    say("Unsaved changes");
    clearTimeout(timer);
    timer = setTimeout(function () { save(false); }, 1200);
  }

  if (autosave) {
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    window.addEventListener("pagehide", function () { if (dirty) save(true); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && dirty) save(true);
    });
    window.addEventListener("online", function () { if (dirty) save(false); });
    // A form post (Save, Mark ready) waits for an autosave under way, so its revision is current.
    form.addEventListener("submit", function (event) {
      clearTimeout(timer);
      if (saving) {
        event.preventDefault();
        var submitter = event.submitter;
        saving.then(function () {
          dirty = false;
          if (submitter) form.requestSubmit(submitter); else form.submit();
        });
      } else {
        dirty = false;
      }
    });
  }

  // --- Moving between students ---------------------------------------------------------------

  function go(link) {
    if (!link) return;
    clearTimeout(timer);
    save(false).then(function (ok) {
      if (ok || window.confirm("Your last change was not saved. Leave anyway?")) {
        window.location.href = link.href;
      }
    });
  }

  ["previous-student", "next-student"].forEach(function (id) {
    var link = document.getElementById(id);
    if (link) {
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        go(link);
      });
    }
  });

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented) return;
    if (event.altKey && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      event.preventDefault();
      go(document.getElementById(event.key === "ArrowRight" ? "next-student" : "previous-student"));
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.key === "j") { event.preventDefault(); go(document.getElementById("next-student")); }
    else if (event.key === "k") { event.preventDefault(); go(document.getElementById("previous-student")); }
    else if (event.key === "c" && selection) { event.preventDefault(); document.getElementById("inline-text").focus(); }
    else if (event.key === "/" && bankSearch) { event.preventDefault(); bankSearch.focus(); }
  });

  // --- Where comments go ------------------------------------------------------------------------

  var lastTarget = document.getElementById("overall-comment");
  document.querySelectorAll("[data-comment-target]").forEach(function (box) {
    box.addEventListener("focus", function () { lastTarget = box; });
  });

  function insertInto(box, text) {
    var start = box.selectionStart == null ? box.value.length : box.selectionStart;
    var end = box.selectionEnd == null ? box.value.length : box.selectionEnd;
    var before = box.value.slice(0, start);
    var spacer = before && !/\s$/.test(before) ? " " : "";
    box.value = before + spacer + text + box.value.slice(end);
    var caret = (before + spacer + text).length;
    box.focus();
    box.setSelectionRange(caret, caret);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // --- Comment bank ---------------------------------------------------------------------------

  var bankTools = document.getElementById("bank-tools");
  var bankSearch = document.getElementById("bank-search");
  var bankResults = document.getElementById("bank-results");
  var bankTimer = null;

  function renderBank(entries) {
    bankResults.textContent = "";
    if (!entries.length) {
      var none = document.createElement("li");
      none.className = "empty";
      none.textContent = bankSearch.value ? "No saved comment matches." : "No saved comments yet: use “Save to comment bank” under a comment.";
      bankResults.appendChild(none);
      return;
    }
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      var body = document.createElement("p");
      body.textContent = entry.text;
      if (entry.criterion_tag) {
        var tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = entry.criterion_tag;
        body.appendChild(tag);
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = "Insert";
      button.setAttribute("aria-label", "Insert: " + entry.text.slice(0, 60));
      // Keep the comment box's caret: a click on the button would otherwise take focus first.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () { insertInto(lastTarget, entry.text); });
      item.appendChild(body);
      item.appendChild(button);
      bankResults.appendChild(item);
    });
  }

  function loadBank() {
    var url = form.dataset.bankUrl + "?q=" + encodeURIComponent(bankSearch.value) +
      "&criterion=" + encodeURIComponent(lastTarget ? lastTarget.dataset.criterionTitle || "" : "");
    return api("GET", url).then(function (result) {
      if (result.ok) renderBank(result.data);
    });
  }

  if (bankTools && editable) {
    bankTools.hidden = false;
    bankSearch.addEventListener("input", function () {
      clearTimeout(bankTimer);
      bankTimer = setTimeout(loadBank, 250);
    });
    loadBank();
    document.querySelectorAll(".bank-save").forEach(function (button) {
      var box = document.getElementById(button.dataset.for);
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = box.value.trim();
        if (!text) { say("Write the comment before saving it to the bank.", true); return; }
        api("POST", form.dataset.bankUrl, {
          text: text,
          criterion_tag: box.dataset.criterionTitle || "",
        }).then(function (result) {
          if (result.ok) { say("Saved to your comment bank."); loadBank(); }
          else say((result.data && result.data.detail) || "Not saved to the bank.", true);
        });
      });
    });
  }

  // --- Inline comments -------------------------------------------------------------------------

  var panel = document.getElementById("inline-panel");
  var selection = null;

  function paragraphOf(node) {
    for (var el = node.nodeType === 3 ? node.parentNode : node; el && el !== essay; el = el.parentNode) {
      if (el.classList && el.classList.contains("essay-paragraph") && el.parentNode === essay) return el;
    }
    return null;
  }

  function readSelection() {
    var current = window.getSelection();
    if (!current || current.isCollapsed || !current.rangeCount) return null;
    var range = current.getRangeAt(0);
    var paragraph = paragraphOf(range.startContainer);
    if (!paragraph || paragraph !== paragraphOf(range.endContainer)) return null;
    var start = offsetIn(paragraph, range.startContainer, range.startOffset);
    var end = offsetIn(paragraph, range.endContainer, range.endOffset);
    var text = Array.from(paragraphText(paragraph));
    // Trim the spaces a double-click or a drag picks up at either end.
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (start >= end) return null;
    var paragraphs = Array.prototype.slice.call(essay.querySelectorAll(":scope > p.essay-paragraph"));
    return {
      paragraph: paragraphs.indexOf(paragraph) + 1,
      start: start,
      end: end,
      quote: text.slice(start, end).join(""),
    };
  }

  function showSelection() {
    if (!panel) return;
    var found = readSelection();
    if (!found) return;
    selection = found;
    panel.hidden = false;
    document.getElementById("inline-where").textContent = "¶" + found.paragraph;
    document.getElementById("inline-quote").textContent = found.quote.length > 160 ? found.quote.slice(0, 160) + "…" : found.quote;
  }

  if (essay && panel) {
    essay.addEventListener("mouseup", function () { setTimeout(showSelection, 0); });
    essay.addEventListener("keyup", function (event) { if (event.shiftKey) showSelection(); });
    document.addEventListener("selectionchange", function () {
      var current = window.getSelection();
      if (current && !current.isCollapsed && current.rangeCount && essay.contains(current.anchorNode)) {
        clearTimeout(showSelection.timer);
        showSelection.timer = setTimeout(showSelection, 300);
      }
    });
    document.getElementById("inline-cancel").addEventListener("click", function () {
      selection = null;
      panel.hidden = true;
      document.getElementById("inline-text").value = "";
    });
    document.getElementById("inline-add").addEventListener("click", function () {
      var box = document.getElementById("inline-text");
      if (!selection) return;
      if (!box.value.trim()) { say("Write the comment before adding it.", true); box.focus(); return; }
      var body = {
        paragraph: selection.paragraph,
        start: selection.start,
        end: selection.end,
        quote: selection.quote,
        text: box.value.trim(),
      };
      api("POST", form.dataset.inlineUrl, body).then(function (result) {
        if (!result.ok) {
          say((result.data && (result.data.detail || (result.data.quote || [])[0])) || "The comment was not added.", true);
          return;
        }
        addToList(result.data);
        var paragraph = findParagraph(essay, result.data.paragraph);
        if (paragraph) highlight(paragraph, result.data.start, result.data.end, result.data);
        box.value = "";
        selection = null;
        panel.hidden = true;
        // The grade's revision moved on (the comment is in its history): keep autosave current.
        api("GET", form.dataset.apiUrl).then(function (grade) {
          if (grade.ok) revisionField.value = grade.data.revision;
        });
        say("Inline comment added at " + timeNow());
      });
    });
  }

  function addToList(comment) {
    var list = document.getElementById("inline-comment-list");
    var item = document.createElement("li");
    item.dataset.comment = comment.id;
    item.dataset.paragraph = comment.paragraph;
    item.dataset.start = comment.start;
    item.dataset.end = comment.end;
    var anchor = document.createElement("a");
    anchor.className = "inline-anchor";
    anchor.href = "#" + form.dataset.paragraphPrefix + comment.paragraph;
    anchor.textContent = "¶" + comment.paragraph;
    var quote = document.createElement("q");
    quote.textContent = comment.quote;
    var text = document.createElement("p");
    text.className = "inline-text";
    text.textContent = comment.text;
    item.appendChild(anchor);
    item.appendChild(quote);
    item.appendChild(text);
    list.appendChild(item);
    var empty = document.getElementById("inline-empty");
    if (empty) empty.hidden = true;
  }

  recompute();
})();
