// The essay editor: autosave with a revision check, a copy on this device, the conflict
// choice, formatting, live word count, server-side preview and the readings panel.
//
// The page works without this file (its form posts the text to save or to submit). Nothing here
// overwrites text silently: a save names the revision it was based on; when the server has a
// newer one (another tab, another device) it answers 409 with that text and the writer chooses.
(function () {
  "use strict";

  // --- Counting words: the same rule as courseware.rendering.count_words --------------------
  // Citations are not words; a word is a whitespace-separated run with a letter or a digit.
  var CITATION_SPAN = /\[\[[^\[\]\n]*\]\]/g;
  var WHITESPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/u;
  var WORD = /[\p{L}\p{N}]/u;

  function countWords(text) {
    var count = 0;
    text.replace(CITATION_SPAN, " ").split(WHITESPACE).forEach(function (token) {
      if (token && WORD.test(token)) count += 1;
    });
    return count;
  }
  window.LecternEditor = { countWords: countWords };

  // --- Citation tooltips: dismissable with Escape (on every page that shows an essay) -------
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".citation-wrap:hover, .citation-wrap:focus-within").forEach(
      function (wrap) { wrap.classList.add("dismissed"); }
    );
  });
  function undismiss(event) {
    var wrap = event.target.closest && event.target.closest(".citation-wrap");
    if (wrap) wrap.classList.remove("dismissed");
  }
  document.addEventListener("focusout", undismiss);
  document.addEventListener("mouseout", undismiss);

  var form = document.getElementById("essay-form");
  if (!form) return;

  // --- Elements and settings ----------------------------------------------------------------
  var textarea = document.getElementById("essay-text");
  var revisionInput = document.getElementById("essay-revision");
  var statusLine = document.getElementById("save-status");
  var wordCountLine = document.getElementById("word-count");
  var wordCountNumber = document.getElementById("word-count-number");
  var preview = document.getElementById("essay-preview");
  var previewToggle = document.getElementById("preview-toggle");
  var submitButton = document.getElementById("submit-essay");
  var dialog = document.getElementById("conflict-dialog");
  var text = document.getElementById("editor-messages").dataset;

  var submissionId = form.dataset.submission;
  var draftUrl = form.dataset.draftUrl;
  var previewUrl = form.dataset.previewUrl;
  var minWords = parseInt(form.dataset.minWords, 10);
  var maxWords = parseInt(form.dataset.maxWords, 10);
  var storageKey = "lectern:essay:" + submissionId;

  var DEBOUNCE_MS = 2000; // a pause in typing saves
  var MAX_WAIT_MS = 10000; // and typing without a pause saves at least this often
  var KEEPALIVE_LIMIT = 60000; // browsers refuse keepalive bodies over 64 KB

  var state = {
    revision: parseInt(form.dataset.revision, 10),
    // The text as the server sent it: anything typed before this script ran is unsaved.
    savedText: form.dataset.serverTextDiffers ? null : textarea.defaultValue,
    savedAt: form.dataset.savedAt || null,
    saving: null, // the save in flight, a Promise
    notice: "", // said once with the next "Saved at"
    dirtySince: null,
    timer: null,
    retryMs: 0,
    conflict: null, // {mode, theirs, revision, savedAt}
    refusal: null, // why the server refused the last save, shown if a hand-in then fails
    locked: textarea.readOnly,
    submitting: false,
  };

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  }

  var timeFormat = new Intl.DateTimeFormat(undefined, {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  function localTime(iso) {
    return iso ? timeFormat.format(new Date(iso)) : "";
  }

  function setStatus(message, kind) {
    statusLine.textContent = message;
    statusLine.dataset.kind = kind || "";
  }

  function showSaved() {
    var notice = state.notice ? state.notice + " " : "";
    state.notice = "";
    if (state.savedAt) {
      setStatus(notice + format(text.saved, { time: localTime(state.savedAt) }), "saved");
    } else {
      setStatus(notice + text.unsaved, "");
    }
  }

  function isDirty() {
    return textarea.value !== state.savedText;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function request(url, method, body, keepalive) {
    var payload = JSON.stringify(body);
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      keepalive: Boolean(keepalive) && payload.length < KEEPALIVE_LIMIT,
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: payload,
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  // --- The writing history: what happened since the last save ---------------------------------
  // Typing, deleting and pasting are counted here and sent with the next save; the server
  // computes the text's change itself (it has both texts), so nothing heavy runs as you type.
  // Events not yet saved are kept on the device with the text, like the text itself.

  var MAX_PENDING = 400;
  var PASTE_CHARS = 2000;
  var TYPING_RUN_MS = 10000; // keystrokes this close together are one event
  var pending = [];
  var inFlight = []; // sent with the save under way: not added to any more
  var copiedFromEssay = "";

  function note(kind, chars, extra) {
    var now = Date.now();
    var last = pending[pending.length - 1];
    if (kind !== "paste" && last && last.kind === kind && now - last.at < TYPING_RUN_MS &&
        inFlight.indexOf(last) < 0) {
      last.chars += chars;
      last.at = now;
      return;
    }
    var event = { kind: kind, at: now, chars: chars };
    if (extra) Object.keys(extra).forEach(function (key) { event[key] = extra[key]; });
    pending.push(event);
    if (pending.length > MAX_PENDING) {
      // Fold the two oldest typing events together rather than lose a paste.
      for (var i = 0; i + 1 < pending.length; i += 1) {
        if (pending[i].kind !== "paste" && pending[i].kind === pending[i + 1].kind) {
          pending[i + 1].chars += pending[i].chars;
          pending.splice(i, 1);
          return;
        }
      }
      pending.shift();
    }
  }

  var lengthBefore = textarea.value.length;
  textarea.addEventListener("beforeinput", function () { lengthBefore = textarea.value.length; });
  textarea.addEventListener("input", function (event) {
    var type = event.inputType || "";
    var change = textarea.value.length - lengthBefore;
    lengthBefore = textarea.value.length;
    if (type === "insertFromPaste" || type === "insertFromDrop") return; // noted on paste/drop
    if (type.indexOf("delete") === 0) {
      note("delete", Math.max(0, -change));
    } else if (change > 0) {
      note("type", change);
    } else if (change < 0) {
      note("delete", -change);
    }
  });
  function clipboardText(event) {
    var data = event.clipboardData || event.dataTransfer;
    return data ? data.getData("text/plain") || "" : "";
  }
  function notePaste(event) {
    if (state.locked) return;
    var pasted = clipboardText(event);
    if (!pasted) return;
    note("paste", pasted.length, {
      text: pasted.slice(0, PASTE_CHARS),
      from_essay: Boolean(copiedFromEssay) && pasted === copiedFromEssay,
    });
  }
  textarea.addEventListener("paste", notePaste);
  textarea.addEventListener("drop", notePaste);
  function noteCopy() {
    copiedFromEssay = textarea.value.slice(textarea.selectionStart, textarea.selectionEnd);
  }
  textarea.addEventListener("copy", noteCopy);
  textarea.addEventListener("cut", noteCopy);

  // --- The copy on this device --------------------------------------------------------------
  // Kept while the text differs from what the server has, with the revision it was based on,
  // so it can be offered back after a dropped connection or an expired session.

  function readLocal() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(storageKey) || "null");
      return stored && typeof stored.text === "string" ? stored : null;
    } catch (error) {
      return null;
    }
  }

  function writeLocal() {
    try {
      if (isDirty()) {
        window.localStorage.setItem(storageKey, JSON.stringify({
          text: textarea.value, revision: state.revision, updatedAt: new Date().toISOString(),
          events: pending,
        }));
      } else {
        window.localStorage.removeItem(storageKey);
      }
    } catch (error) {
      // Storage full or switched off: the server copy is still being saved.
    }
  }

  // The text put in by this script (a restored copy, a conflict choice), not typed: a page that
  // builds the text from other inputs (a source-analysis task's answers) reads it back.
  function replaceText(value) {
    textarea.value = value;
    textarea.dispatchEvent(new CustomEvent("lectern:replaced"));
  }

  // --- Word count -----------------------------------------------------------------------------

  function updateCount() {
    var words = countWords(textarea.value);
    wordCountNumber.textContent = words.toLocaleString();
    wordCountLine.dataset.state = words < minWords ? "under" : words > maxWords ? "over" : "ok";
  }

  // --- Saving ---------------------------------------------------------------------------------

  function schedule() {
    if (state.locked || state.conflict) return;
    var now = Date.now();
    if (state.dirtySince === null) state.dirtySince = now;
    var wait = Math.min(DEBOUNCE_MS, Math.max(0, state.dirtySince + MAX_WAIT_MS - now));
    window.clearTimeout(state.timer);
    state.timer = window.setTimeout(function () { save(); }, wait);
  }

  function retryLater() {
    state.retryMs = Math.min(state.retryMs ? state.retryMs * 2 : 5000, 60000);
    window.clearTimeout(state.timer);
    state.timer = window.setTimeout(function () { save(); }, state.retryMs);
  }

  function afterSaved(data, sentText) {
    state.revision = data.revision;
    state.savedText = sentText;
    state.savedAt = data.saved_at || state.savedAt;
    state.retryMs = 0;
    revisionInput.value = String(state.revision);
    if (isDirty()) {
      writeLocal(); // based on the new revision now
      schedule();
    } else {
      state.dirtySince = null;
      writeLocal();
      showSaved();
    }
  }

  // What the server said when it refused a save: its message (an essay over the size limit says
  // so), or the status code when the body says nothing readable.
  function refusalReason(result) {
    var data = result.data || {};
    var reason = data.detail;
    if (!reason) {
      var field = Object.keys(data).filter(function (key) { return key !== "code"; })[0];
      reason = field ? data[field] : null;
    }
    if (Array.isArray(reason)) reason = reason.join(" ");
    if (reason) return String(reason);
    return result.status === 413 ? text.tooLarge : String(result.status);
  }

  // Save the textarea now; resolves true once the server holds exactly this text.
  function save(options) {
    options = options || {};
    window.clearTimeout(state.timer);
    if (state.locked || state.conflict) return Promise.resolve(false);
    if (state.saving) {
      return state.saving.then(function () { return save(options); });
    }
    if (!isDirty()) {
      state.dirtySince = null;
      return Promise.resolve(true);
    }
    var sentText = textarea.value;
    var sentRevision = state.revision;
    var sentEvents = pending.slice();
    inFlight = sentEvents;
    setStatus(text.saving, "saving");
    var body = { text: sentText, revision: sentRevision, events: sentEvents, sent_at: Date.now() };
    state.saving = request(draftUrl, "PUT", body, options.keepalive)
      .then(function (result) {
        state.saving = null;
        inFlight = [];
        var data = result.data || {};
        if (result.status === 200) {
          state.refusal = null;
          // Events noted while the save was in flight stay for the next one.
          pending = pending.filter(function (event) { return sentEvents.indexOf(event) < 0; });
          afterSaved(data, sentText);
          return !isDirty();
        }
        if (result.status === 409 && data.code === "stale") {
          openConflict("server", data.text, data.revision, data.saved_at);
          return false;
        }
        if (result.status === 401 || (result.status === 403 && /CSRF/i.test(data.detail || ""))) {
          writeLocal();
          setStatus(text.signedOut, "signed-out");
          showSignIn();
          return false;
        }
        if (result.status === 409) {
          writeLocal();
          state.locked = true;
          textarea.readOnly = true;
          setStatus(data.detail || text.locked, "refused");
          return false;
        }
        writeLocal();
        state.refusal = refusalReason(result);
        setStatus(text.refused + ": " + state.refusal, "refused");
        return false;
      }, function () {
        state.saving = null;
        inFlight = [];
        state.refusal = null;
        writeLocal();
        setStatus(text.offline, "offline");
        retryLater();
        return false;
      });
    return state.saving;
  }

  var signIn = null;
  function showSignIn() {
    if (signIn) return;
    signIn = document.createElement("a");
    signIn.href = form.dataset.loginUrl;
    signIn.target = "_blank";
    signIn.rel = "noopener";
    signIn.textContent = text.logIn;
    signIn.className = "sign-in-link";
    statusLine.after(signIn);
  }

  function onInput() {
    updateCount();
    writeLocal();
    if (isDirty()) schedule();
  }

  textarea.addEventListener("input", onInput);
  window.addEventListener("online", function () { if (isDirty()) save(); });

  // Leaving the page (or hiding it): save what is unsaved, and let the request outlive the page.
  function saveOnLeave() {
    if (isDirty() && !state.conflict && !state.locked) {
      writeLocal();
      save({ keepalive: true });
    }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") saveOnLeave();
  });
  // Back on the page (after logging in again in another tab, say): try what is unsaved again.
  window.addEventListener("focus", function () {
    if (isDirty() && !state.saving) save();
  });
  window.addEventListener("pagehide", saveOnLeave);

  // --- Conflicts: two texts, and the writer chooses ---------------------------------------------

  var conflictMessage = document.getElementById("conflict-message");
  var compare = document.getElementById("conflict-compare");
  var compareToggle = document.getElementById("conflict-compare-toggle");
  var mineBox = document.getElementById("conflict-mine");
  var theirsBox = document.getElementById("conflict-theirs");

  function openConflict(mode, theirs, revision, savedAt, mine) {
    window.clearTimeout(state.timer);
    state.conflict = { mode: mode, theirs: theirs, revision: revision, savedAt: savedAt, mine: mine };
    setStatus(text.conflict, "conflict");
    conflictMessage.textContent = mode === "local" ? text.conflictLocal : text.conflictServer;
    document.getElementById("conflict-mine-label").textContent =
      mode === "local" ? text.mineLocal : text.mineServer;
    document.getElementById("conflict-theirs-label").textContent = format(
      mode === "local" ? text.theirsLocal : text.theirsServer, { time: localTime(savedAt) }
    );
    mineBox.value = mine !== undefined ? mine : textarea.value;
    theirsBox.value = theirs;
    compare.hidden = true;
    compareToggle.setAttribute("aria-expanded", "false");
    if (typeof dialog.showModal === "function") {
      if (!dialog.open) dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
  }

  function closeConflict() {
    state.conflict = null;
    if (dialog.open) dialog.close();
    textarea.focus();
  }

  // The choice is the point of the dialog: Escape does not dismiss it without one.
  dialog.addEventListener("cancel", function (event) { event.preventDefault(); });

  compareToggle.addEventListener("click", function () {
    compare.hidden = !compare.hidden;
    compareToggle.setAttribute("aria-expanded", String(!compare.hidden));
  });

  document.getElementById("conflict-keep-mine").addEventListener("click", function () {
    var conflict = state.conflict;
    if (conflict.mine !== undefined) replaceText(conflict.mine);
    // Saving over the newer text is now explicit: based on the revision just seen.
    state.revision = conflict.revision;
    revisionInput.value = String(conflict.revision);
    state.savedText = conflict.theirs;
    closeConflict();
    updateCount();
    save();
  });

  document.getElementById("conflict-take-theirs").addEventListener("click", function () {
    var conflict = state.conflict;
    replaceText(conflict.theirs);
    state.revision = conflict.revision;
    revisionInput.value = String(conflict.revision);
    state.savedText = conflict.theirs;
    state.savedAt = conflict.savedAt;
    state.dirtySince = null;
    closeConflict();
    updateCount();
    writeLocal();
    showSaved();
  });

  // --- Formatting and shortcuts -----------------------------------------------------------------

  function replaceSelection(start, end, replacement, selectFrom, selectTo) {
    textarea.focus();
    textarea.setSelectionRange(start, end);
    // execCommand keeps the browser's undo history; setRangeText is the fallback.
    var done = false;
    try {
      done = document.execCommand("insertText", false, replacement);
    } catch (error) {
      done = false;
    }
    if (!done) {
      textarea.setRangeText(replacement, start, end, "end");
      onInput();
    }
    textarea.setSelectionRange(selectFrom, selectTo);
  }

  function wrap(marker) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var selected = textarea.value.slice(start, end);
    replaceSelection(start, end, marker + selected + marker,
      start + marker.length, start + marker.length + selected.length);
  }

  function prefixLines(prefix) {
    var value = textarea.value;
    var start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    var end = textarea.selectionEnd;
    var lineEnd = value.indexOf("\n", end);
    if (lineEnd < 0) lineEnd = value.length;
    var lines = value.slice(start, lineEnd).split("\n");
    var all = lines.every(function (line) { return line.indexOf(prefix) === 0; });
    var changed = lines.map(function (line) {
      return all ? line.slice(prefix.length) : prefix + line;
    }).join("\n");
    replaceSelection(start, lineEnd, changed, start + changed.length, start + changed.length);
  }

  var formats = {
    bold: function () { wrap("**"); },
    italic: function () { wrap("*"); },
    heading: function () { prefixLines("## "); },
    quote: function () { prefixLines("> "); },
    list: function () { prefixLines("- "); },
    cite: function () {
      var target = document.querySelector("#reading-paragraphs .cite-button") ||
        document.querySelector(".reading-open");
      if (target) target.focus();
    },
  };

  form.querySelectorAll("[data-format]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (state.locked) return;
      formats[button.dataset.format]();
    });
  });

  textarea.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    var key = event.key.toLowerCase();
    if (key === "s") {
      event.preventDefault();
      save();
    } else if (key === "b" && !state.locked) {
      event.preventDefault();
      formats.bold();
    } else if (key === "i" && !state.locked) {
      event.preventDefault();
      formats.italic();
    }
  });

  // "Save now" saves through the API when it can; the form post is the fallback.
  document.getElementById("save-now").addEventListener("click", function (event) {
    event.preventDefault();
    save().then(function (ok) { if (ok) showSaved(); });
  });

  // --- Preview: rendered and sanitised by the server ---------------------------------------------

  previewToggle.addEventListener("click", function () {
    var showing = previewToggle.getAttribute("aria-pressed") === "true";
    if (showing) {
      preview.hidden = true;
      textarea.hidden = false;
      previewToggle.setAttribute("aria-pressed", "false");
      previewToggle.textContent = text.preview;
      textarea.focus();
      return;
    }
    request(previewUrl, "POST", { text: textarea.value }).then(function (result) {
      if (result.status !== 200) throw new Error(String(result.status));
      // The server's HTML is sanitised by nh3 against an allow-list: no scripts, no handlers.
      preview.innerHTML = result.data.html;
      preview.hidden = false;
      textarea.hidden = true;
      previewToggle.setAttribute("aria-pressed", "true");
      previewToggle.textContent = text.back;
      preview.focus();
    }).catch(function () {
      setStatus(text.previewFailed, "refused");
    });
  });

  // --- Readings beside the editor ---------------------------------------------------------------

  var panel = document.getElementById("reading-panel");
  var panelTitle = document.getElementById("reading-panel-title");
  var panelLink = document.getElementById("reading-panel-link");
  var paragraphsList = document.getElementById("reading-paragraphs");
  var readingStatus = document.getElementById("reading-status");

  function insertCitation(reference) {
    if (state.locked) return;
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var before = textarea.value.slice(0, start);
    var spaced = (before && !/\s$/.test(before) ? " " : "") + reference;
    replaceSelection(start, end, spaced, start + spaced.length, start + spaced.length);
  }

  function showReading(data) {
    panelTitle.textContent = data.title;
    panelLink.href = data.url;
    paragraphsList.textContent = "";
    data.paragraphs.forEach(function (paragraph) {
      var item = document.createElement("li");
      item.className = "reading-paragraph reading-paragraph-" + paragraph.kind;
      var number = document.createElement("span");
      number.className = "paragraph-number";
      number.textContent = "¶" + paragraph.number;
      var body = document.createElement("p");
      body.textContent = paragraph.text;
      var cite = document.createElement("button");
      cite.type = "button";
      cite.className = "cite-button secondary outline";
      cite.textContent = text.cite;
      cite.setAttribute("aria-label", format(text.citeLabel, { number: paragraph.number }));
      cite.addEventListener("click", function () { insertCitation(paragraph.cite); });
      item.append(number, body, cite);
      paragraphsList.append(item);
    });
    panel.hidden = false;
    readingStatus.textContent = format(text.loaded, {
      title: data.title, count: data.paragraphs.length,
    });
  }

  document.querySelectorAll(".reading-open").forEach(function (button) {
    button.addEventListener("click", function () {
      readingStatus.textContent = text.loading;
      fetch(button.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          showReading(data);
          panel.focus();
        })
        .catch(function () { readingStatus.textContent = text.loadFailed; });
    });
  });

  // --- Handing in: save first, then post the form once ----------------------------------------

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.id !== "submit-essay") return;
    event.preventDefault();
    if (state.submitting) return;
    state.submitting = true;
    submitButton.disabled = true;
    submitButton.setAttribute("aria-busy", "true");
    setStatus(text.submitting, "saving");
    save().then(function (saved) {
      if (!saved || isDirty()) {
        state.submitting = false;
        submitButton.disabled = false;
        submitButton.removeAttribute("aria-busy");
        if (state.conflict || state.locked) return;
        // A refusal is the server's answer (too long, not valid text): say why, not "offline".
        if (state.refusal) {
          setStatus(text.submitRefused.replace("%(reason)s", state.refusal), "refused");
        } else {
          setStatus(text.submitUnsaved, "refused");
        }
        return;
      }
      revisionInput.value = String(state.revision);
      HTMLFormElement.prototype.submit.call(form);
    });
  });

  // --- Start: the server's text, unless this device holds unsaved work --------------------------

  updateCount();
  showSaved();
  var serverConflict = document.getElementById("server-conflict-text");
  var local = readLocal();
  if (serverConflict) {
    // A form post was refused as stale: the newer text is on the page, the writer's in the editor.
    openConflict("server", serverConflict.value, state.revision, null);
  } else if (state.savedText === null) {
    // A refused form post: the editor shows text the server does not have yet.
    schedule();
  } else if (local && local.text !== textarea.value && !state.locked) {
    if (local.revision === state.revision) {
      // Unsaved work on top of the text the server still has: restore it and save it.
      replaceText(local.text);
      if (Array.isArray(local.events)) pending = local.events.concat(pending);
      updateCount();
      state.notice = text.restored;
      setStatus(text.restored, "restored");
      save();
    } else {
      // The server moved on since this copy was made: never pick for the writer.
      openConflict("local", textarea.value, state.revision, state.savedAt, local.text);
    }
  } else if (local) {
    writeLocal();
  }
  if (isDirty() && !state.conflict) schedule();
})();
