// django-import-export's "Select all" box on the export page, wired here instead of an
// onchange="" attribute (the Content-Security-Policy forbids inline handlers). The handler,
// onSelectToggleChange, is the library's (import_export/export_selectable_fields.js).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", function (event) {
      if (typeof window.onSelectToggleChange === "function") window.onSelectToggleChange(event);
    });
  });
});
