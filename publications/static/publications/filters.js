// On narrow screens the filters start folded so the list is visible; they stay open while in use
// (the template marks them data-active when a filter is applied).
(function () {
  var details = document.querySelector(".pub-filters__details");
  if (details && window.matchMedia("(max-width: 52rem)").matches && details.dataset.active !== "true") {
    details.open = false;
  }
})();
