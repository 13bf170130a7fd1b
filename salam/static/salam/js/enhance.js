/* Marks the page as scripted (the "js" class lets stylesheets hide what only scripts need) and
   closes the phone menu when Escape is pressed or a link in it is followed. Loaded in <head>
   without defer, so the class is set before the first paint; no inline script (CSP). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = document.querySelector(".site-menu[open]");
    if (!menu) return;
    menu.open = false;
    var toggle = menu.querySelector("summary");
    if (toggle) toggle.focus();
  });
})();
