// The notes player: markers on the timeline, frame stepping (, and .), in and out points (i and o), playback
// speed, and a drawing on the paused frame, saved with the note as normalised strokes.
(function () {
  "use strict";
  const root = document.querySelector("[data-notes]");
  if (!root) return;
  const video = document.querySelector(root.dataset.video);
  if (!video) return;
  const fps = Number(root.dataset.fps) || 16;
  const frames = Math.max(1, Number(root.dataset.frames) || 1);
  const tools = root.querySelector("[data-player-tools]");
  const timeline = root.querySelector("[data-timeline]");
  const playhead = root.querySelector("[data-playhead]");
  const readout = root.querySelector("[data-frame-readout]");
  const speed = root.querySelector("[data-speed]");
  const form = root.querySelector("[data-note-form]");
  const inField = form && form.querySelector("[data-frame-in-field]");
  const outField = form && form.querySelector("[data-frame-out-field]");
  const drawingField = form && form.querySelector("[data-drawing-field]");
  const drawButton = form && form.querySelector("[data-draw]");
  const colour = form && form.querySelector("[data-colour]");
  const strokeCount = form && form.querySelector("[data-stroke-count]");
  const MAX_STROKES = 50;
  const MAX_POINTS = 500;
  const frameLabel = readout.textContent.replace(/\d+\s*$/, "").trim();

  // The video and a canvas over it share a box; the timeline and the tools sit right under the video.
  const stage = document.createElement("div");
  stage.className = "draw-stage";
  video.parentNode.insertBefore(stage, video);
  stage.appendChild(video);
  const canvas = document.createElement("canvas");
  canvas.className = "draw-canvas";
  canvas.setAttribute("aria-hidden", "true");
  stage.appendChild(canvas);
  stage.after(tools);
  const context = canvas.getContext("2d");

  let strokes = [];
  let shown = null; // a saved note's strokes, shown while paused on its frame
  let drawing = false;
  let current = null;

  function frameNow() {
    return Math.min(frames - 1, Math.max(0, Math.floor(video.currentTime * fps + 1e-3)));
  }

  function seekFrame(frame) {
    const clamped = Math.min(frames - 1, Math.max(0, frame));
    video.pause();
    video.currentTime = (clamped + 0.5) / fps;
  }

  function showPosition() {
    const frame = frameNow();
    readout.textContent = `${frameLabel} ${frame}`;
    playhead.style.left = `${(100 * (frame + 0.5)) / frames}%`;
  }

  function resize() {
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(video.clientWidth * ratio);
    canvas.height = Math.round(video.clientHeight * ratio);
    paint();
  }

  function paintStrokes(list) {
    context.lineWidth = Math.max(2, canvas.width / 200);
    context.lineCap = "round";
    context.lineJoin = "round";
    list.forEach(function (stroke) {
      context.strokeStyle = stroke.color;
      context.beginPath();
      stroke.points.forEach(function (point, index) {
        const x = point[0] * canvas.width;
        const y = point[1] * canvas.height;
        if (index === 0) context.moveTo(x, y); else context.lineTo(x, y);
      });
      if (stroke.points.length === 1) context.lineTo(stroke.points[0][0] * canvas.width + 0.5, stroke.points[0][1] * canvas.height);
      context.stroke();
    });
  }

  function paint() {
    context.clearRect(0, 0, canvas.width, canvas.height);
    if (shown) paintStrokes(shown);
    paintStrokes(strokes);
  }

  function saveStrokes() {
    if (!drawingField) return;
    drawingField.value = strokes.length ? JSON.stringify(strokes) : "";
    strokeCount.textContent = String(strokes.length);
  }

  // Markers: one per note, placed over its frame or range; choosing one shows the note's frame and drawing.
  function showNote(item) {
    const start = Number(item.dataset.frameIn);
    seekFrame(start);
    try {
      shown = JSON.parse(item.dataset.drawing || "[]");
    } catch (error) {
      shown = null;
    }
    paint();
  }

  root.querySelectorAll("[data-note-item]").forEach(function (item) {
    const start = Number(item.dataset.frameIn);
    const end = item.dataset.frameOut === "" ? start : Number(item.dataset.frameOut);
    const seek = item.querySelector("[data-seek]");
    const marker = document.createElement("button");
    marker.type = "button";
    marker.className = item.dataset.frameOut === "" ? "marker" : "marker range";
    marker.dataset.marker = item.id;
    marker.setAttribute("aria-label", seek.textContent.trim());
    marker.title = seek.textContent.trim();
    marker.style.left = `${(100 * start) / frames}%`;
    marker.style.width = `max(6px, ${(100 * (end - start + 1)) / frames}%)`;
    marker.addEventListener("click", function () {
      showNote(item);
      item.scrollIntoView({ block: "nearest" });
    });
    timeline.appendChild(marker);
    seek.addEventListener("click", function () { showNote(item); });
  });

  timeline.addEventListener("click", function (event) {
    if (event.target !== timeline) return;
    const box = timeline.getBoundingClientRect();
    seekFrame(Math.floor(((event.clientX - box.left) / box.width) * frames));
  });

  speed.addEventListener("change", function () { video.playbackRate = Number(speed.value) || 1; });
  root.querySelectorAll("[data-step]").forEach(function (button) {
    button.addEventListener("click", function () { seekFrame(frameNow() + Number(button.dataset.step)); });
  });

  video.addEventListener("timeupdate", showPosition);
  video.addEventListener("seeked", showPosition);
  video.addEventListener("loadedmetadata", resize);
  video.addEventListener("play", function () {
    shown = null;
    setDrawing(false);
    paint();
  });
  window.addEventListener("resize", resize);

  function setDrawing(on) {
    drawing = on;
    stage.classList.toggle("drawing", on);
    if (drawButton) drawButton.setAttribute("aria-pressed", on ? "true" : "false");
    if (on) {
      video.pause();
      shown = null;
      if (inField && inField.value === "") inField.value = String(frameNow());
      resize();
    }
  }

  function pointAt(event) {
    const box = canvas.getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
    return [Math.round(x * 10000) / 10000, Math.round(y * 10000) / 10000];
  }

  canvas.addEventListener("pointerdown", function (event) {
    if (!drawing || strokes.length >= MAX_STROKES) return;
    canvas.setPointerCapture(event.pointerId);
    current = { color: colour.value, points: [pointAt(event)] };
    strokes.push(current);
    paint();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!current || current.points.length >= MAX_POINTS) return;
    const point = pointAt(event);
    const last = current.points[current.points.length - 1];
    if (Math.abs(point[0] - last[0]) + Math.abs(point[1] - last[1]) < 0.003) return;
    current.points.push(point);
    paint();
  });
  function endStroke() {
    if (!current) return;
    current = null;
    saveStrokes();
  }
  canvas.addEventListener("pointerup", endStroke);
  canvas.addEventListener("pointercancel", endStroke);

  if (form) {
    drawButton.addEventListener("click", function () { setDrawing(!drawing); });
    form.querySelector("[data-clear]").addEventListener("click", function () {
      strokes = [];
      saveStrokes();
      paint();
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === ",") {
      event.preventDefault();
      seekFrame(frameNow() - 1);
    } else if (event.key === ".") {
      event.preventDefault();
      seekFrame(frameNow() + 1);
    } else if ((event.key === "i" || event.key === "I") && inField) {
      event.preventDefault();
      inField.value = String(frameNow());
      if (outField.value !== "" && Number(outField.value) < frameNow()) outField.value = "";
    } else if ((event.key === "o" || event.key === "O") && outField) {
      event.preventDefault();
      const frame = frameNow();
      if (inField.value === "" || Number(inField.value) > frame) inField.value = String(frame);
      outField.value = String(frame);
    }
  });

  resize();
  showPosition();
})();
