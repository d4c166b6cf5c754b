// Keyboard decisions on the review page: a approve, r reject, c request changes, n next, space play/pause.
(function () {
  "use strict";
  const form = document.querySelector("[data-decision-form]");
  const video = document.querySelector("[data-review-video]");
  const next = document.querySelector("[data-shortcut=next]");

  function choose(value) {
    const radio = form && form.querySelector(`input[name=decision][value=${value}]`);
    if (radio) radio.checked = true;
    return radio;
  }

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest("input, textarea, select, button, [contenteditable]")) return;
    if (event.key === "a" && choose("approve")) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "r" && choose("reject")) {
      event.preventDefault();
      form.querySelector("[name=reason]").focus();
    } else if (event.key === "c" && choose("request_changes")) {
      event.preventDefault();
      form.querySelector("[name=note]").focus();
    } else if (event.key === "n" && next) {
      event.preventDefault();
      window.location.href = next.href;
    } else if (event.key === " " && video) {
      event.preventDefault();
      if (video.paused) video.play(); else video.pause();
    }
  });
})();
