// The reading page: "Cite" copies a paragraph's citation to the clipboard.
// Without this script each paragraph's number still links to it, and a paragraph reached by
// its link shows its citation to copy by hand.
(function () {
  "use strict";

  var status = document.querySelector(".cite-status");
  var hideTimer = null;

  function announce(message, citation) {
    if (!status) return;
    status.textContent = message + " ";
    if (citation) {
      var code = document.createElement("code");
      code.textContent = citation;
      status.appendChild(code);
    }
    status.classList.add("visible");
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(function () {
      status.classList.remove("visible");
    }, 3000);
  }

  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(area);
    return copied;
  }

  function copied(paragraph, citation) {
    paragraph.classList.add("cited");
    announce("Citation copied:", citation);
  }

  function notCopied(paragraph, citation) {
    // Show the citation under the paragraph so it can be selected and copied by hand.
    paragraph.classList.add("cited");
    announce("Copy this citation:", citation);
  }

  document.querySelectorAll(".cite-copy").forEach(function (button) {
    button.hidden = false;
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".cite-copy");
    if (!button) return;
    var citation = button.getAttribute("data-cite");
    var paragraph = button.closest(".para");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(citation).then(
        function () { copied(paragraph, citation); },
        function () {
          if (copyWithSelection(citation)) copied(paragraph, citation);
          else notCopied(paragraph, citation);
        }
      );
    } else if (copyWithSelection(citation)) {
      copied(paragraph, citation);
    } else {
      notCopied(paragraph, citation);
    }
  });
})();
