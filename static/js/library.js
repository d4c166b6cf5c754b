// Live job state for the library and job pages, without reloads: the queue place and estimate, the phases,
// and, once a job ends, its finished card, player and the budget box as the server renders them.
// Polls at the pace the server asks for (next_poll_seconds), slower in a hidden tab, backing off on errors.
(function () {
  "use strict";
  var TERMINAL = ["succeeded", "failed", "cancelled"];
  var HIDDEN_FACTOR = 4;
  var MAX_DELAY = 60;
  var holder = document.querySelector("[data-status-url]");
  if (!holder) return;
  var statusUrl = holder.getAttribute("data-status-url");
  var failures = 0;
  var timer = null;

  function watched() {
    return Array.prototype.filter.call(document.querySelectorAll("[data-job]"), function (el) {
      return TERMINAL.indexOf(el.getAttribute("data-status")) === -1;
    });
  }

  function fromHtml(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  function showPhases(el, job) {
    Array.prototype.forEach.call(el.querySelectorAll("[data-phase]"), function (step, index) {
      step.className = index < job.phase_index ? "done" : index === job.phase_index ? "current" : "todo";
      if (job.status === "succeeded") step.className = "done";
    });
    var steps = el.querySelector("[data-steps]");
    if (steps && job.total) steps.textContent = job.step + "/" + job.total;
  }

  function update(el, job) {
    var label = el.querySelector("[data-status-label]");
    if (label) { label.textContent = job.status_label; label.className = "badge " + job.status; }
    var progress = el.querySelector("[data-progress]");
    if (progress) {
      progress.max = job.total || 1; progress.value = job.step; progress.textContent = job.percent + "%";
      progress.hidden = job.status !== "running";
    }
    var queue = el.querySelector("[data-queue]");
    if (queue) queue.textContent = job.queue_label;
    var phase = el.querySelector("[data-phase-label]");
    if (phase) phase.textContent = job.status === "running" ? job.phase_label : "";
    showPhases(el, job);
    el.setAttribute("data-status", job.status);
    if (TERMINAL.indexOf(job.status) === -1) return;
    if (el.matches("li.job") && job.card_html) {
      el.replaceWith(fromHtml(job.card_html));
      return;
    }
    var player = el.querySelector("[data-player]");
    if (player && job.player_html) {
      player.replaceChildren(fromHtml(job.player_html));
    }
    Array.prototype.forEach.call(el.querySelectorAll("[data-cancel]"), function (form) { form.remove(); });
  }

  function schedule(seconds) {
    if (seconds === null || seconds === undefined) {
      if (!watched().length) return;
      seconds = 20;
    }
    if (document.hidden) seconds *= HIDDEN_FACTOR;
    timer = window.setTimeout(poll, Math.min(seconds, MAX_DELAY) * 1000);
  }

  function poll() {
    timer = null;
    var els = watched();
    if (!els.length) return;
    var ids = els.map(function (el) { return el.getAttribute("data-job"); });
    fetch(statusUrl + "?ids=" + ids.join(","), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (data) {
        failures = 0;
        var byId = {};
        data.jobs.forEach(function (job) { byId[job.id] = job; });
        els.forEach(function (el) { var job = byId[el.getAttribute("data-job")]; if (job) update(el, job); });
        if (data.quota_html) {
          Array.prototype.forEach.call(document.querySelectorAll("[data-quota]"), function (box) {
            box.replaceWith(fromHtml(data.quota_html));
          });
        }
        schedule(data.next_poll_seconds);
      })
      .catch(function () {
        failures += 1;
        schedule(Math.min(2 * Math.pow(2, failures), MAX_DELAY));
      });
  }

  // Back in view: ask at once rather than finish a long hidden-tab wait.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer !== null) { window.clearTimeout(timer); poll(); }
  });

  // A muted preview while the pointer (or keyboard focus) is on a finished card; nothing loads before.
  function preview(event, play) {
    var thumb = event.target.closest && event.target.closest(".thumb");
    var video = thumb && thumb.querySelector("video[data-preview]");
    if (!video) return;
    if (play) {
      video.muted = true;
      var started = video.play();
      if (started && started.catch) started.catch(function () {});
    } else {
      video.pause();
    }
  }
  var list = document.querySelector("ul.library");
  if (list) {
    list.addEventListener("mouseover", function (event) { preview(event, true); });
    list.addEventListener("mouseout", function (event) { preview(event, false); });
    list.addEventListener("focusin", function (event) { preview(event, true); });
    list.addEventListener("focusout", function (event) { preview(event, false); });
  }

  timer = window.setTimeout(poll, 1000);
})();
