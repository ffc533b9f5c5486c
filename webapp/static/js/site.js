// Small improvements on top of pages that work without JavaScript.
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", focusSummary);
  document.addEventListener("htmx:afterSwap", focusSummary);
  // Buttons that ask before doing something that cannot be undone (withdrawing a complaint).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();
