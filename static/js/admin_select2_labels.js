// The pickers' search box (select2, the admin's autocomplete) has no label of its own and is
// drawn again after each choice: name it after its field each time it appears.
// Used by forms marked data-label-pickers (the invitations page).
(function () {
  "use strict";
  function label(box) {
    var row = box.closest(".form-row");
    var select = row && row.querySelector("select");
    var text = select && document.querySelector('label[for="' + select.id + '"]');
    if (text) box.setAttribute("aria-label", text.textContent.replace(/[:៖]\s*$/, ""));
  }
  function watch(form) {
    function visit() {
      form.querySelectorAll(".select2-search__field:not([aria-label])").forEach(label);
    }
    new MutationObserver(visit).observe(form, { childList: true, subtree: true });
    visit();
  }
  function start() {
    document.querySelectorAll("form[data-label-pickers]").forEach(watch);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
