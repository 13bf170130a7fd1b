/* Lectures: progressive enhancement only. Without this script the page shows venue times and the
   transcript's timestamps are plain links (#t= on the media file, or the provider's own link). */
(function () {
  "use strict";

  // Show each lecture time in the visitor's own zone too, when it differs from the venue's.
  function showLocalTimes() {
    var visitorZone;
    try { visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    document.querySelectorAll("time[data-local-time]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime()) || !visitorZone || visitorZone === el.dataset.venueZone) return;
      if (el.nextElementSibling && el.nextElementSibling.classList.contains("local-time")) return;
      var text = new Intl.DateTimeFormat(undefined, {
        weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
      }).format(when);
      var span = document.createElement("span");
      span.className = "local-time";
      span.textContent = " Your time: " + text;
      var after = el.nextElementSibling && el.nextElementSibling.classList.contains("meta") ? el.nextElementSibling : el;
      after.insertAdjacentElement("afterend", span);
    });
  }

  // Transcript timestamps seek the player instead of leaving the page.
  function enableSeeking() {
    var player = document.getElementById("lecture-player");
    if (!player) return;
    document.querySelectorAll("a[data-seek]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var seconds = Number(link.dataset.seek);
        if (!isFinite(seconds)) return;
        event.preventDefault();
        if (player.tagName === "IFRAME") {
          var url = new URL(player.dataset.embedBase);
          if (player.dataset.provider === "Vimeo") {
            url.searchParams.set("autoplay", "1");
            url.hash = "t=" + seconds + "s";
          } else {
            url.searchParams.set("start", String(seconds));
            url.searchParams.set("autoplay", "1");
          }
          player.src = url.toString();
        } else {
          player.currentTime = seconds;
          var playing = player.play();
          if (playing && playing.catch) playing.catch(function () { /* autoplay may be refused; the position is set */ });
        }
        player.dataset.lastSeek = String(seconds);
        player.scrollIntoView({ block: "nearest" });
      });
    });
  }

  // After a failed submission, move focus to the error summary so it is announced.
  function focusErrors() {
    var summary = document.getElementById("registration-errors");
    if (summary) summary.focus();
  }

  function init() { showLocalTimes(); enableSeeking(); focusErrors(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
