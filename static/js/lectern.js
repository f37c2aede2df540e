// Lectern's small progressive enhancements. Pages work without it.
(function () {
  "use strict";
  // Close an open navigation dropdown or the narrow-screen menu when Escape is pressed, returning
  // focus to its summary.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.dropdown[open], details.site-menu[open]").forEach(function (details) {
      details.removeAttribute("open");
      var summary = details.querySelector("summary");
      if (summary) summary.focus();
    });
  });

  // The notification bell's unread count, fetched after the page so no page pays a query for it.
  // The bell stands in the wide navigation and beside the narrow screens' menu.
  var bells = document.querySelectorAll("a.bell[data-unread-url]");
  if (bells.length && window.fetch) {
    fetch(bells[0].getAttribute("data-unread-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.unread) return;
        bells.forEach(function (bell) {
          var badge = bell.querySelector(".badge");
          badge.textContent = String(data.unread);
          badge.hidden = false;
          bell.querySelector(".visually-hidden").textContent = data.label;
        });
      })
      .catch(function () {});
  }
})();
