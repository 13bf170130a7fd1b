/* Search page enhancements; the page works fully without them.
   - the search box offers completions from /api/v1/autocomplete.
   Ticking a facet or changing the sort does not reload the page by itself (WCAG 3.2.2, on
   input): the choices apply with the "Apply filters" and "Sort" buttons. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;

  var input = document.getElementById("q");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    var value = input.value.trim();
    clearTimeout(timer);
    if (value.length < 2 || value === last) return;
    timer = setTimeout(function () {
      last = value;
      fetch("/api/v1/autocomplete?q=" + encodeURIComponent(value), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          list.textContent = "";
          (data.suggestions || []).forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.label;
            list.appendChild(option);
          });
        })
        .catch(function () { /* completions are a nicety */ });
    }, 200);
  });
})();
