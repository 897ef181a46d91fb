/* The lesson player: renditions, speed, subtitles, keyboard, watermark, signed-URL renewal, progress.
   Served as a static file (the site's CSP allows no inline script); no library, no CDN. */
(function () {
  "use strict";
  var root = document.querySelector("[data-player]");
  if (!root) return;
  var media = root.querySelector("video, audio");
  var stage = root.querySelector(".player-stage");
  var quality = root.querySelector("[data-quality]");
  var speed = root.querySelector("[data-speed]");
  var watermark = root.querySelector(".watermark");
  var status = root.querySelector("[data-status]");
  var csrf = root.getAttribute("data-csrf");
  var progressUrl = root.getAttribute("data-progress");
  var urlsUrl = root.getAttribute("data-urls");
  var resume = parseFloat(root.getAttribute("data-resume") || "0");
  // The first URLs come in the page (no inline script: the site's CSP forbids it); later ones
  // from the renewal endpoint, which answers the same shape.
  var urls = { expires_in: parseInt(root.getAttribute("data-expires") || "600", 10), sources: [] };
  if (quality) {
    for (var o = 0; o < quality.options.length; o++) {
      urls.sources.push({ label: quality.options[o].value, url: quality.options[o].getAttribute("data-url") });
    }
  } else {
    urls.sources.push({ label: root.getAttribute("data-label"), url: media.getAttribute("src") });
  }
  var urlsAt = Date.now();
  var FLUSH_EVERY_MS = 15000;
  var CONTINUOUS_GAP = 2.0; // seconds between two timeupdates that still count as one watched stretch

  // ---------------------------------------------------------------- sources and signed URLs
  function sourceFor(label) {
    for (var i = 0; i < urls.sources.length; i++) if (urls.sources[i].label === label) return urls.sources[i];
    return urls.sources[0];
  }
  function currentLabel() { return quality ? quality.value : urls.sources[0].label; }

  function switchSource(label, keepPlaying) {
    var at = media.currentTime, rate = media.playbackRate, playing = keepPlaying && !media.paused;
    media.src = sourceFor(label).url;
    media.addEventListener("loadedmetadata", function once() {
      media.removeEventListener("loadedmetadata", once);
      media.currentTime = at;
      media.playbackRate = rate;
      if (playing) media.play();
    });
    media.load();
  }

  function renew() {
    return fetch(urlsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { urls = data; urlsAt = Date.now(); return data; });
  }
  function urlsAge() { return (Date.now() - urlsAt) / 1000; }
  // Renew at half the lifetime, so a URL in use is always fresh enough for the next Range request.
  setInterval(function () { renew().catch(function () {}); }, Math.max(urls.expires_in * 500, 10000));
  // A paused lesson resumed after its URL expired: take the fresh one before playing on.
  media.addEventListener("play", function () {
    if (media.currentSrc && urlsAge() > urls.expires_in * 0.5) {
      renew().then(function () { switchSource(currentLabel(), true); });
    }
  });
  var recovering = false;
  media.addEventListener("error", function () {
    if (recovering) return;
    recovering = true; // an expired URL answers 403: renew once and carry on where we were
    renew().then(function () { switchSource(currentLabel(), true); }).finally(function () {
      setTimeout(function () { recovering = false; }, 5000);
    });
  });

  if (quality) quality.addEventListener("change", function () { switchSource(quality.value, true); });
  if (speed) speed.addEventListener("change", function () { media.playbackRate = parseFloat(speed.value); });
  media.addEventListener("ratechange", function () { if (speed) speed.value = String(media.playbackRate); });

  // ---------------------------------------------------------------- full screen and keyboard
  var fullscreen = root.querySelector("[data-fullscreen]");
  function toggleFullscreen() {
    // The stage, not the video: the watermark stays on top in full screen.
    if (document.fullscreenElement) document.exitFullscreen();
    else if (stage && stage.requestFullscreen) stage.requestFullscreen();
  }
  if (fullscreen) fullscreen.addEventListener("click", toggleFullscreen);

  var RATES = [0.75, 1, 1.25, 1.5, 2];
  function stepRate(step) {
    var i = RATES.indexOf(media.playbackRate);
    if (i < 0) i = 1;
    media.playbackRate = RATES[Math.min(RATES.length - 1, Math.max(0, i + step))];
  }
  function toggleSubtitles() {
    var tracks = media.textTracks;
    if (!tracks || !tracks.length) return;
    var showing = -1;
    for (var i = 0; i < tracks.length; i++) if (tracks[i].mode === "showing") showing = i;
    for (var j = 0; j < tracks.length; j++) tracks[j].mode = "disabled";
    var next = showing + 1;
    if (next < tracks.length) tracks[next].mode = "showing";
  }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName) || "";
    if (/INPUT|SELECT|TEXTAREA|BUTTON/.test(tag) || event.ctrlKey || event.metaKey || event.altKey) return;
    switch (event.key) {
      case " ": case "k": media.paused ? media.play() : media.pause(); break;
      case "ArrowLeft": case "j": media.currentTime = Math.max(0, media.currentTime - 5); break;
      case "ArrowRight": case "l": media.currentTime = Math.min(media.duration || 0, media.currentTime + 5); break;
      case "ArrowUp": stepRate(1); break;
      case "ArrowDown": stepRate(-1); break;
      case "m": media.muted = !media.muted; break;
      case "f": toggleFullscreen(); break;
      case "c": toggleSubtitles(); break;
      default: return;
    }
    event.preventDefault();
  });

  // ---------------------------------------------------------------- watermark
  function moveWatermark() {
    if (!watermark || !stage) return;
    var x = 5 + Math.random() * 60, y = 5 + Math.random() * 75;
    watermark.style.left = x + "%";
    watermark.style.top = y + "%";
  }
  if (watermark) { moveWatermark(); setInterval(moveWatermark, 7000); }

  // ---------------------------------------------------------------- resume
  // A question's timestamp link (?t=SECONDS) opens the lesson at that moment instead.
  var asked = parseInt(new URLSearchParams(window.location.search).get("t") || "", 10);
  media.addEventListener("loadedmetadata", function first() {
    media.removeEventListener("loadedmetadata", first);
    if (asked >= 0 && (!media.duration || asked <= media.duration)) {
      media.currentTime = asked;
    } else if (resume > 3 && (!media.duration || resume < media.duration - 3)) {
      media.currentTime = resume;
      if (status) status.textContent = status.getAttribute("data-resumed");
    }
  });

  // ---------------------------------------------------------------- questions
  // The ask form's moment is the player's, filled in as the learner starts writing (still editable).
  var askForm = document.querySelector("[data-ask-form]");
  if (askForm) {
    var stamp = askForm.querySelector("[data-timestamp]");
    askForm.addEventListener("focusin", function (event) {
      if (stamp && event.target !== stamp && stamp.value === "" && media.currentTime > 0) {
        stamp.value = String(Math.floor(media.currentTime));
      }
    });
  }
  // A timestamp link on this very lesson seeks without reloading the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-seek]") : null;
    if (!link) return;
    event.preventDefault();
    media.currentTime = parseInt(link.getAttribute("data-seek"), 10) || 0;
    media.scrollIntoView({ block: "center" });
    media.play().catch(function () {});
  });

  // ---------------------------------------------------------------- progress
  var pending = [];
  var segment = null; // [start, end] of the stretch being watched now
  var lastTime = 0;
  var dirty = false;
  var changes = 0; // bumped with every change, so that an answer to an older report keeps newer changes
  function changed() { dirty = true; changes++; }

  function closeSegment() {
    if (segment && segment[1] > segment[0]) pending.push([segment[0], segment[1]]);
    segment = null;
  }
  media.addEventListener("timeupdate", function () {
    var t = media.currentTime;
    if (!media.paused && !media.seeking) {
      var continuous = t >= lastTime && t - lastTime <= CONTINUOUS_GAP * Math.max(1, media.playbackRate);
      if (segment && continuous) {
        segment[1] = t;
      } else {
        closeSegment();
        // Playing on from where the last update (or a seek) left it: the stretch began there.
        segment = [continuous ? lastTime : t, t];
      }
      changed();
    }
    lastTime = t;
  });
  media.addEventListener("seeking", function () { closeSegment(); changed(); });
  media.addEventListener("seeked", function () { lastTime = media.currentTime; });
  media.addEventListener("pause", function () { closeSegment(); flush(false); });
  media.addEventListener("ended", function () {
    if (segment && media.duration) segment[1] = media.duration; // the last update comes a little before the end
    closeSegment();
    flush(false);
  });

  function report() {
    var ranges = pending.slice();
    if (segment && segment[1] > segment[0]) ranges.push([segment[0], segment[1]]);
    var form = new FormData();
    form.append("csrfmiddlewaretoken", csrf);
    form.append("report", JSON.stringify({ position: media.currentTime, watched: ranges, at: Date.now() }));
    return { form: form, sent: pending.length, changes: changes };
  }
  function flush(leaving) {
    if (!progressUrl || (!dirty && !pending.length)) return;
    var r = report();
    if (leaving && navigator.sendBeacon) {
      navigator.sendBeacon(progressUrl, r.form);
      pending = [];
      dirty = false;
      return;
    }
    fetch(progressUrl, { method: "POST", body: r.form, credentials: "same-origin", keepalive: true })
      .then(function (response) {
        if (!response.ok) return;
        pending.splice(0, r.sent); // reports are idempotent: a lost answer only resends the same ranges
        if (changes === r.changes) dirty = false;
        return response.json().then(function (data) {
          if (data.completed && status) status.textContent = status.getAttribute("data-completed");
        });
      })
      .catch(function () {});
  }
  setInterval(function () { flush(false); }, FLUSH_EVERY_MS);
  window.addEventListener("pagehide", function () { closeSegment(); flush(true); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { closeSegment(); flush(true); }
  });
})();
