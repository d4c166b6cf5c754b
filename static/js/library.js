// Live progress for the library and job pages: polls the tester's unfinished jobs, no page reloads.
(function () {
  "use strict";
  var statusUrl = "/library/status/";
  var list = document.querySelector("[data-status-url]");
  if (list) statusUrl = list.getAttribute("data-status-url");
  var TERMINAL = ["succeeded", "failed", "cancelled"];

  function watched() {
    return Array.prototype.filter.call(document.querySelectorAll("[data-job]"), function (el) {
      return TERMINAL.indexOf(el.getAttribute("data-status")) === -1;
    });
  }

  function update(el, job) {
    var progress = el.querySelector("[data-progress]");
    if (progress) { progress.max = job.total || 1; progress.value = job.step; progress.textContent = job.percent + "%"; }
    var label = el.querySelector("[data-status-label]");
    if (label) { label.textContent = job.status_label; label.className = "badge " + job.status; }
    el.setAttribute("data-status", job.status);
    if (TERMINAL.indexOf(job.status) === -1) return;
    if (progress) progress.hidden = true;
    var cancel = el.querySelector("[data-cancel]");
    if (cancel) cancel.remove();
    if (job.error) {
      var error = document.createElement("p");
      error.className = "error";
      error.textContent = job.error;
      el.appendChild(error);
    }
    if (!job.video_url) return;
    var player = el.querySelector(".player");
    if (player) {
      // The job page: put the finished video in place of the progress bar.
      var video = document.createElement("video");
      video.controls = true; video.playsInline = true; video.preload = "metadata"; video.poster = job.poster_url;
      var source = document.createElement("source");
      source.src = job.video_url; source.type = "video/mp4";
      video.appendChild(source);
      player.insertBefore(video, player.firstChild);
      return;
    }
    var thumb = el.querySelector(".thumb .placeholder");
    if (thumb) {
      var img = document.createElement("img");
      img.src = job.poster_url; img.alt = thumb.getAttribute("data-alt"); img.loading = "lazy";
      thumb.replaceWith(img);
    }
  }

  function poll() {
    var els = watched();
    if (!els.length) return;
    var ids = els.map(function (el) { return el.getAttribute("data-job"); });
    fetch(statusUrl + "?ids=" + ids.join(","), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { jobs: [] }; })
      .then(function (data) {
        var byId = {};
        data.jobs.forEach(function (job) { byId[job.id] = job; });
        els.forEach(function (el) { var job = byId[el.getAttribute("data-job")]; if (job) update(el, job); });
      })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 1500); });
  }
  window.setTimeout(poll, 1000);
})();
