// The case's process diagram: bpmn-js draws the version's BPMN, then marks the path the case has taken
// ('done'), where it waits ('current') and its waiting timers (an overlay with the due time).
// Without JavaScript the page's list of what the case waits for says the same.
(function () {
  "use strict";

  function show(container, data) {
    var viewer = new window.BpmnJS({ container: container });
    container.hidden = false;
    return viewer.importXML(data.xml).then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      var overlays = viewer.get("overlays");
      canvas.zoom("fit-viewport", "auto");
      data.completed.forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, "done"); }
      });
      data.current.forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, "current"); }
      });
      data.timers.forEach(function (timer) {
        if (!registry.get(timer.element)) { return; }
        var badge = document.createElement("div");
        badge.className = "diagram-timer";
        badge.textContent = (timer.deadline ? timer.deadline + ": " : "") + timer.text;
        overlays.add(timer.element, { position: { bottom: 0, left: -40 }, html: badge });
      });
      container.setAttribute("data-ready", "true");
    });
  }

  function start() {
    var container = document.getElementById("case-diagram");
    if (!container || !window.BpmnJS || !window.fetch) { return; }
    var failed = document.querySelector(".diagram__failed");
    fetch(container.getAttribute("data-diagram-url"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("diagram " + response.status); }
        return response.json();
      })
      .then(function (data) { return show(container, data); })
      .catch(function () {
        container.hidden = true;
        if (failed) { failed.hidden = false; }
      });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
