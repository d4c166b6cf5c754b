// The trace page while a worker decodes the clip: asks the server again every two seconds and shows the
// result in place, in the page's status region (which announces it), instead of reloading the whole page.
(function () {
  "use strict";
  var region = document.getElementById("trace-result");
  if (!region || !region.hasAttribute("data-trace-pending")) return;

  function check() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        var fresh = html && new DOMParser().parseFromString(html, "text/html").getElementById("trace-result");
        if (fresh && !fresh.hasAttribute("data-trace-pending")) {
          region.replaceChildren.apply(region, Array.prototype.slice.call(fresh.childNodes));
          region.removeAttribute("data-trace-pending");
          return;
        }
        window.setTimeout(check, 2000);
      })
      .catch(function () {
        window.setTimeout(check, 4000);
      });
  }

  window.setTimeout(check, 2000);
})();
