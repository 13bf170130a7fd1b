/* Lectures: progressive enhancement only. Without this script the transcript's timestamps are plain
   links (#t= on the media file, or the provider's own link). Visitors' own times: local_times.js. */
(function () {
  "use strict";

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

  function init() { enableSeeking(); focusErrors(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
