// django-celery-beat's periodic task form (templates/admin/djcelery/change_periodictask_form.html):
// under the crontab field, the chosen schedule in words. The library's inline script, moved
// here for the Content-Security-Policy; it writes text, not HTML.
(function () {
  "use strict";
  var script = document.currentScript;
  var $ = django.jQuery;
  var readableCrontabs = JSON.parse($("#readable-crontabs").text());
  var originalCrontabHelp = script.dataset.crontabHelp || "";

  function updateCrontabHelp(additional) {
    $(".field-crontab .help").each(function () {
      this.textContent = originalCrontabHelp;
      this.appendChild(document.createElement("br"));
      this.appendChild(document.createTextNode("Translation: " + additional));
    });
  }

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    updateCrontabHelp(readableCrontabs[$("#id_crontab").val()]);
  });
})();
