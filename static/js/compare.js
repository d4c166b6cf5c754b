// Two versions compared: side by side or one over the other with an A/B wipe, played and stepped together.
(function () {
  "use strict";
  const root = document.querySelector("[data-compare]");
  if (!root) return;
  const a = root.querySelector("[data-video=A]");
  const b = root.querySelector("[data-video=B]");
  const wipe = root.querySelector("[data-wipe]");
  const wipeField = root.querySelector("[data-wipe-field]");
  const playBoth = root.querySelector("[data-play-both]");
  const fps = Number(a.dataset.fps) || 16;

  function setMode(mode) {
    root.dataset.mode = mode;
    root.querySelectorAll("[data-mode-button]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.dataset.modeButton === mode ? "true" : "false");
    });
    wipeField.hidden = mode !== "wipe";
    showWipe();
  }

  const line = root.querySelector("[data-wipe-line]");

  function showWipe() {
    b.style.clipPath = root.dataset.mode === "wipe" ? `inset(0 0 0 ${wipe.value}%)` : "";
    line.style.marginLeft = `${wipe.value}%`;
  }

  function follow() {
    if (Math.abs(b.currentTime - a.currentTime) > 0.5 / fps) b.currentTime = a.currentTime;
  }

  root.querySelectorAll("[data-mode-button]").forEach(function (button) {
    button.addEventListener("click", function () { setMode(button.dataset.modeButton); });
  });
  wipe.addEventListener("input", showWipe);

  playBoth.addEventListener("click", function () {
    if (a.paused) {
      b.currentTime = a.currentTime;
      Promise.all([a.play(), b.play()]).catch(function () { a.pause(); b.pause(); });
    } else {
      a.pause();
      b.pause();
    }
  });
  a.addEventListener("seeked", follow);
  a.addEventListener("timeupdate", follow);
  a.addEventListener("pause", function () { b.pause(); follow(); });
  a.addEventListener("ended", function () { b.pause(); });

  function step(direction) {
    a.pause();
    b.pause();
    const frame = Math.max(0, Math.floor(a.currentTime * fps + 1e-3) + direction);
    a.currentTime = (frame + 0.5) / fps;
    b.currentTime = a.currentTime;
  }
  root.querySelectorAll("[data-step-both]").forEach(function (button) {
    button.addEventListener("click", function () { step(Number(button.dataset.stepBoth)); });
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === ",") step(-1);
    else if (event.key === ".") step(1);
  });

  setMode(root.dataset.mode || "side");
})();
