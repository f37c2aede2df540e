// Originality report: follow a running check until it is done, and show a match's source when
// its highlighted words are chosen. Without JavaScript the page still works: the status is shown
// as it was when the page loaded, and each highlight is a link to its source.
(function () {
  "use strict";

  var POLL_MS = 1500;

  function pollStatus(section) {
    var url = section.getAttribute("data-status-url");
    var label = section.querySelector("[data-status-label]");
    var text = section.querySelector("[data-status-text]");
    var bar = section.querySelector("[data-status-progress]");

    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.json();
        })
        .then(function (data) {
          if (label) {
            label.textContent = data.status_label;
            label.className = "status-pill status-pill-" + data.status;
          }
          if (text) { text.textContent = data.progress + "% done"; }
          if (bar) { bar.value = data.progress; }
          if (data.finished) {
            window.location.reload();
          } else {
            window.setTimeout(tick, POLL_MS);
          }
        })
        .catch(function () { window.setTimeout(tick, POLL_MS * 4); });
    }
    window.setTimeout(tick, POLL_MS);
  }

  function selectMatch(id, focusCard) {
    document.querySelectorAll(".match.is-selected, .match-card.is-selected").forEach(function (el) {
      el.classList.remove("is-selected");
    });
    var mark = document.getElementById("at-" + id);
    var card = document.getElementById("match-" + id);
    if (mark) { mark.classList.add("is-selected"); }
    if (card) {
      card.classList.add("is-selected");
      if (focusCard) {
        card.focus({ preventScroll: true });
        card.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var status = document.querySelector(".originality-status[data-status-url]");
    if (status) { pollStatus(status); }

    document.querySelectorAll("a.match[data-match]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var id = link.getAttribute("data-match");
        selectMatch(id, true);
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", "#match-" + id);
        }
      });
    });
    if (window.location.hash.indexOf("#match-") === 0) {
      selectMatch(window.location.hash.slice(7), false);
    }
  });
})();
