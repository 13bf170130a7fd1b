/* Lectures: progressive enhancement only. Without this script the transcript's timestamps are plain
   links (#t= on the media file, or the provider's own link). Visitors' own times: local_times.js. */
(function () {
  "use strict";

  // A provider's video is a link until the visitor starts it: then the player is built, so nothing
  // is fetched from the provider before they ask (privacy, and the page's own requests stay local).
  function startEmbed(facade, seconds) {
    var url = new URL(facade.dataset.embedBase);
    url.searchParams.set("autoplay", "1");
    if (seconds) {
      if (facade.dataset.provider === "Vimeo") url.hash = "t=" + seconds + "s";
      else url.searchParams.set("start", String(seconds));
    }
    var iframe = document.createElement("iframe");
    iframe.id = "lecture-player";
    iframe.src = url.toString();
    iframe.title = facade.dataset.title;
    iframe.dataset.embedBase = facade.dataset.embedBase;
    iframe.dataset.provider = facade.dataset.provider;
    iframe.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    iframe.allowFullscreen = true;
    iframe.referrerPolicy = "strict-origin-when-cross-origin";
    facade.removeAttribute("id");
    facade.classList.remove("embed--facade");
    facade.replaceChildren(iframe);
    iframe.focus();
    return iframe;
  }

  function enableEmbeds() {
    document.querySelectorAll(".embed--facade .embed__start").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        startEmbed(link.closest(".embed--facade"), 0);
      });
    });
  }

  // Transcript timestamps seek the player instead of leaving the page.
  function enableSeeking() {
    if (!document.getElementById("lecture-player")) return;
    document.querySelectorAll("a[data-seek]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var seconds = Number(link.dataset.seek);
        if (!isFinite(seconds)) return;
        event.preventDefault();
        var player = document.getElementById("lecture-player");
        if (player.classList.contains("embed--facade")) {
          player = startEmbed(player, seconds);
        } else if (player.tagName === "IFRAME") {
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

  function init() { enableEmbeds(); enableSeeking(); focusErrors(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
