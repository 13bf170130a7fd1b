/* Lecture times in the visitor's own zone and their locale's format, next to the venue's time.
   Progressive enhancement: without this script the page shows the venue's time and zone only.
   Each time written by the venue_time template tag carries a hidden <time data-local-time>; this
   fills it in with Intl.DateTimeFormat and shows it, unless the visitor's clock reads the same. */
(function () {
  "use strict";

  var OPTIONS = { weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit" };

  function withOptions(extra) {
    var options = {};
    Object.keys(OPTIONS).forEach(function (key) { options[key] = OPTIONS[key]; });
    Object.keys(extra).forEach(function (key) { options[key] = extra[key]; });
    return options;
  }

  // True when the visitor's clock shows what the venue's shows (then there is nothing to add).
  function sameClock(when, venueZone) {
    try {
      var atVenue = new Intl.DateTimeFormat(undefined, withOptions({ timeZone: venueZone })).format(when);
      return atVenue === new Intl.DateTimeFormat(undefined, OPTIONS).format(when);
    } catch (e) {
      return true; // a zone this browser does not know: better nothing than a wrong time
    }
  }

  function showLocalTimes() {
    if (!window.Intl || !Intl.DateTimeFormat) return;
    document.querySelectorAll("[data-venue-time]").forEach(function (wrapper) {
      var local = wrapper.querySelector("time[data-local-time]");
      if (!local || !local.parentElement.hidden) return;
      var start = new Date(local.dataset.start);
      var end = local.dataset.end ? new Date(local.dataset.end) : null;
      if (isNaN(start.getTime()) || sameClock(start, wrapper.dataset.venueZone)) return;
      var format = new Intl.DateTimeFormat(undefined, withOptions({ timeZoneName: "short" }));
      var useRange = end && !isNaN(end.getTime()) && typeof format.formatRange === "function";
      local.textContent = useRange ? format.formatRange(start, end) : format.format(start);
      local.setAttribute("datetime", start.toISOString());
      local.parentElement.hidden = false;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showLocalTimes);
  else showLocalTimes();
})();
