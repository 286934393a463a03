// Sizes and colours that come from data (a bar's share, an event type's colour), read from
// data-* attributes and set through the CSSOM: the Content-Security-Policy (style-src 'self')
// forbids style="" attributes in the HTML, but not styles set from an allowed script.
(function () {
  "use strict";
  function apply(root) {
    root.querySelectorAll("[data-bar-width]").forEach(function (element) {
      var share = parseFloat(element.dataset.barWidth);
      if (!isNaN(share)) element.style.width = Math.min(100, Math.max(0, share)) + "%";
    });
    // Invalid colours are ignored by the CSSOM, so a value from the database cannot inject CSS.
    root.querySelectorAll("[data-border-colour]").forEach(function (element) {
      element.style.borderLeftColor = element.dataset.borderColour;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { apply(document); });
  } else {
    apply(document);
  }
})();
