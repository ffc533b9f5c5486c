// Small improvements on top of pages that work without JavaScript.
(function () {
  "use strict";
  function focusSummary(root) {
    var summary = root.matches && root.matches("[data-autofocus]") ? root : root.querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusSummary(document); });
  // Only a summary that came with the swapped content: a field checked on leaving it keeps the focus moving on.
  document.addEventListener("htmx:afterSwap", function (event) { focusSummary(event.detail.elt); });
  // Buttons that ask before doing something that cannot be undone (withdrawing a complaint).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();
