// The case's process diagram: bpmn-js draws the version's BPMN, then marks the path the case has taken
// ('done'), where it waits ('current') and its waiting timers (an overlay with the due time).
// Without JavaScript the page's list of what the case waits for says the same.
(function () {
  "use strict";

  // A whole complaint process fitted into a page is too small to read: when fitting shrinks it below a
  // readable scale, show the part around where the case waits at that scale (people pan and zoom for more).
  var READABLE = 0.85;
  function focusOn(canvas, registry, ids) {
    var box = canvas.viewbox();
    if (box.scale >= READABLE) { return; }
    var shapes = ids.map(function (id) { return registry.get(id); }).filter(Boolean);
    if (!shapes.length) { return; }
    var shape = shapes[0];
    var width = box.outer.width / READABLE;
    var height = box.outer.height / READABLE;
    canvas.viewbox({
      x: shape.x + shape.width / 2 - width / 2,
      y: shape.y + shape.height / 2 - height / 2,
      width: width,
      height: height
    });
  }

  function show(container, data) {
    var viewer = new window.BpmnJS({ container: container });
    container.hidden = false;
    return viewer.importXML(data.xml).then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      var overlays = viewer.get("overlays");
      canvas.zoom("fit-viewport", "auto");
      focusOn(canvas, registry, data.current);
      data.completed.forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, "done"); }
      });
      data.current.forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, "current"); }
      });
      // Above its element, stacked when several wait at once, so they never hide the task's name.
      data.timers.forEach(function (timer, index) {
        if (!registry.get(timer.element)) { return; }
        var badge = document.createElement("div");
        badge.className = "diagram-timer";
        badge.textContent = (timer.deadline ? timer.deadline + ": " : "") + timer.text;
        overlays.add(timer.element, { position: { top: -24 - 22 * index, left: 0 }, html: badge });
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
