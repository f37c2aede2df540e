// The writing-process replay: the essay at any moment of its history, on a scrubber.
//
// The history (from the API) is the starting text and one diff-match-patch delta per autosave
// ("=12\t-3\t+text": keep, delete, insert; lengths in UTF-16 units, inserted text %-escaped).
// Texts are rebuilt from a keyframe every KEYFRAME steps, so a long history is quick to scrub
// without holding every text in memory. Pasted passages are highlighted where they still are.
(function () {
  "use strict";

  var root = document.getElementById("replay");
  if (!root) return;
  var scrubber = document.getElementById("replay-scrubber");
  var when = document.getElementById("replay-when");
  var output = document.getElementById("replay-text");
  var status = document.getElementById("replay-status");
  var text = document.getElementById("replay-messages").dataset;
  var KEYFRAME = 25;
  var MIN_HIGHLIGHT = 12;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  }

  function applyDelta(before, delta) {
    var out = [];
    var pointer = 0;
    delta.split("\t").forEach(function (token) {
      if (!token) return;
      var op = token.charAt(0);
      var param = token.substring(1);
      if (op === "+") {
        out.push(decodeURI(param));
      } else {
        var n = parseInt(param, 10);
        if (op === "=") out.push(before.substring(pointer, pointer + n));
        pointer += n;
      }
    });
    return out.join("");
  }

  var history = null;
  var keyframes = [];
  var cache = { index: -1, text: "" };
  var timeFormat = new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  });

  function textAt(index) {
    if (index === cache.index) return cache.text;
    // From the nearest keyframe built so far (they are built in the background after load).
    var start = Math.min(Math.floor(index / KEYFRAME), keyframes.length - 1);
    var current = keyframes[start];
    for (var i = start * KEYFRAME; i < index; i += 1) current = applyDelta(current, history.steps[i][1]);
    cache = { index: index, text: current };
    return current;
  }

  // Keyframes a batch at a time, so the page opens on the text as it is now at once and stays
  // responsive while the rest of the history is prepared.
  function buildKeyframes() {
    var built = (keyframes.length - 1) * KEYFRAME;
    var current = keyframes[keyframes.length - 1];
    var stop = Math.min(history.steps.length, built + KEYFRAME * 4);
    for (var i = built; i < stop; i += 1) {
      current = applyDelta(current, history.steps[i][1]);
      if ((i + 1) % KEYFRAME === 0) keyframes.push(current);
    }
    if (stop < history.steps.length && (stop % KEYFRAME) === 0) {
      window.setTimeout(buildKeyframes, 0);
    }
  }

  function timeAt(index) {
    return index === 0 ? history.base_t : history.steps[index - 1][0];
  }

  function sessionAt(second) {
    var number = 0;
    history.sessions.forEach(function (session, i) { if (session[0] <= second) number = i + 1; });
    return Math.max(number, 1);
  }

  function countWords(value) {
    return window.LecternEditor ? window.LecternEditor.countWords(value)
      : value.split(/\s+/).filter(Boolean).length;
  }

  // The text with each paste made by then highlighted where its words still are.
  function render(value, second) {
    var ranges = [];
    history.pastes.forEach(function (paste) {
      if (paste.t > second || paste.source === "own") return;
      var needle = paste.text.trim();
      if (needle.length < MIN_HIGHLIGHT) return;
      var at = value.indexOf(needle);
      if (at < 0) {
        needle = needle.split("\n")[0].slice(0, 200);
        at = needle.length >= MIN_HIGHLIGHT ? value.indexOf(needle) : -1;
      }
      if (at >= 0) ranges.push([at, at + needle.length, paste]);
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    output.textContent = "";
    var cursor = 0;
    ranges.forEach(function (range) {
      if (range[0] < cursor) return;
      output.append(document.createTextNode(value.slice(cursor, range[0])));
      var mark = document.createElement("mark");
      mark.textContent = value.slice(range[0], range[1]);
      mark.title = range[2].label;
      if (range[2].flagged) mark.className = "replay-flagged";
      output.append(mark);
      cursor = range[1];
    });
    output.append(document.createTextNode(value.slice(cursor)));
  }

  function show(index) {
    var second = timeAt(index);
    var value = textAt(index);
    render(value, second);
    var label = index === 0 && history.steps.length ? text.start + " · " : "";
    var message = label + format(text.when, {
      when: timeFormat.format(new Date(second * 1000)),
      step: index,
      steps: history.steps.length,
      session: sessionAt(second),
      words: countWords(value).toLocaleString(),
    });
    when.textContent = message;
    scrubber.setAttribute("aria-valuetext", message);
  }

  function go(index) {
    index = Math.max(0, Math.min(history.steps.length, index));
    scrubber.value = String(index);
    show(index);
  }

  status.textContent = text.loading;
  fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(function (data) {
      history = data;
      keyframes = [history.base];
      // The last save is the text as it is now: shown without replaying anything.
      cache = { index: history.steps.length, text: history.text };
      window.setTimeout(buildKeyframes, 0);
      scrubber.max = String(history.steps.length);
      root.hidden = false;
      status.textContent = "";
      go(history.steps.length);
    })
    .catch(function () { status.textContent = text.failed; });

  scrubber.addEventListener("input", function () { show(parseInt(scrubber.value, 10)); });
  root.querySelectorAll("[data-replay]").forEach(function (button) {
    button.addEventListener("click", function () {
      var index = parseInt(scrubber.value, 10);
      var action = button.dataset.replay;
      if (action === "start") go(0);
      else if (action === "previous") go(index - 1);
      else if (action === "next") go(index + 1);
      else go(history.steps.length);
    });
  });
})();
