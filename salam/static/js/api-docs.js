/* API docs page: names Swagger UI leaves out, added as it renders (it re-renders on every click).
   Unnamed selects (enum parameters), icon-only "copy" buttons and scrolling code samples that a
   keyboard cannot reach are what axe reports as select-name, button-name and
   scrollable-region-focusable; Swagger UI offers no option for them. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || !window.MutationObserver) return;

  function nameParameterControls() {
    root.querySelectorAll("tr[data-param-name]").forEach(function (row) {
      var name = row.getAttribute("data-param-name");
      row.querySelectorAll("select, input, textarea").forEach(function (control) {
        if (!control.hasAttribute("aria-label") && !control.labels.length) {
          control.setAttribute("aria-label", "Value of " + name);
        }
      });
    });
  }

  function nameCopyButtons() {
    root.querySelectorAll(".copy-to-clipboard button").forEach(function (button) {
      if (!button.textContent.trim() && !button.hasAttribute("aria-label")) {
        button.setAttribute("aria-label", "Copy to clipboard");
      }
    });
  }

  function makeCodeSamplesFocusable() {
    root.querySelectorAll(".highlight-code > pre, .curl-command .curl, .microlight").forEach(function (block) {
      if (!block.hasAttribute("tabindex")) {
        block.setAttribute("tabindex", "0");
        // A group, not a region: a landmark per code sample would crowd the landmark list.
        block.setAttribute("role", "group");
        block.setAttribute("aria-label", block.closest(".curl-command") ? "curl command" : "Code sample");
      }
    });
  }

  var pending = false;
  function fix() {
    pending = false;
    nameParameterControls();
    nameCopyButtons();
    makeCodeSamplesFocusable();
  }
  new MutationObserver(function () {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(fix);
    }
  }).observe(root, { childList: true, subtree: true });
  fix();
})();
