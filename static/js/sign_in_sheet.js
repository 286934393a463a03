// The printable sign-in sheet: the Print button, and "page x of y" in the printed page's
// bottom corner where the browser supports page margin boxes (the PDF always has them).
// The words come translated in the body's data-* attributes; the rule is added through the
// CSSOM, which the Content-Security-Policy allows (no <style> in the page).
(function () {
  "use strict";
  function quoted(text) {
    return '"' + String(text).replace(/[\\"]/g, "\\$&").replace(/\n/g, " ") + '"';
  }
  function start() {
    var body = document.body;
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    var style = body.dataset.counterStyle === "khmer" ? ", khmer" : "";
    var rule =
      "@media print { @page { @bottom-right { content: " +
      quoted(body.dataset.pageLabel + " ") + " counter(page" + style + ") " +
      quoted(" " + body.dataset.ofLabel + " ") + " counter(pages" + style + "); " +
      'font-family: "Kantumruy Pro", sans-serif; font-size: 9pt; } } }';
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(rule);
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
    } catch (error) {
      // An older browser: the sheet prints without page numbers (the PDF has them).
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
