// Proposes the browser's own time zone in any field marked data-detect-time-zone (sign-up), when the
// person has not picked one and the browser's zone is one of the offered choices.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) return;
  document.querySelectorAll("[data-detect-time-zone]").forEach(function (field) {
    if (field.dataset.chosen === "true") return;
    var offered = Array.prototype.some.call(field.options || [], function (option) {
      return option.value === zone;
    });
    if (offered) field.value = zone;
  });
})();
