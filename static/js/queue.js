// The review queue: pointing at a thumbnail scrubs through its muted video by the pointer's position.
(function () {
  "use strict";
  document.querySelectorAll("[data-scrub]").forEach(function (box) {
    const video = box.querySelector("video");
    let wanted = null;

    function seek() {
      if (wanted !== null && video.duration) video.currentTime = wanted * video.duration;
    }

    box.addEventListener("pointerenter", function () {
      if (!video.getAttribute("src")) {
        video.preload = "auto";
        video.src = video.dataset.src;
      }
      box.classList.add("scrubbing");
    });
    box.addEventListener("pointermove", function (event) {
      const area = box.getBoundingClientRect();
      wanted = Math.min(0.999, Math.max(0, (event.clientX - area.left) / area.width));
      seek();
    });
    box.addEventListener("pointerleave", function () { box.classList.remove("scrubbing"); });
    video.addEventListener("loadedmetadata", seek);
  });
})();
