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
})();
