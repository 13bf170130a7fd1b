/* On narrow screens the publication filters start folded so the list is visible; they stay open
   while filters are in use (the template marks the box with data-fold-on-phone only when none are). */
(function () {
  "use strict";
  var details = document.querySelector(".pub-filters__details[data-fold-on-phone]");
  if (details && window.matchMedia("(max-width: 52rem)").matches) {
    details.open = false;
  }
})();
