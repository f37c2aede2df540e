// Lectern's small progressive enhancements. Pages work without it.
(function () {
  "use strict";
  // Close an open navigation dropdown when Escape is pressed, returning focus to its summary.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.dropdown[open]").forEach(function (details) {
      details.removeAttribute("open");
      var summary = details.querySelector("summary");
      if (summary) summary.focus();
    });
  });

  // The notification bell's unread count, fetched after the page so no page pays a query for it.
  var bell = document.querySelector("a.bell[data-unread-url]");
  if (bell && window.fetch) {
    fetch(bell.getAttribute("data-unread-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.unread) return;
        var badge = bell.querySelector(".badge");
        badge.textContent = String(data.unread);
        badge.hidden = false;
        bell.querySelector(".visually-hidden").textContent = data.label;
      })
      .catch(function () {});
  }
})();
