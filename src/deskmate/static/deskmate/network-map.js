// "My network": the viewer in the middle, their ties around, coloured by kind and sized by strength.
(function () {
  "use strict";
  var COLOURS = {
    me: "#12284c",
    current_colleague: "#0b5cad",
    former_colleague: "#5b8fd6",
    classmate: "#2a9d5c",
    alumni: "#8cc9a1",
    colleague_elsewhere: "#9aa5b8",
    contact: "#d97706",
    interaction: "#c2185b",
    mutual: "#7e57c2",
  };

  function legend(element, labels) {
    Object.keys(labels).forEach(function (kind) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = COLOURS[kind];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(" " + labels[kind]));
      element.appendChild(item);
    });
  }

  function list(element, nodes) {
    nodes.filter(function (n) { return !n.me; }).slice(0, 12).forEach(function (node) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = node.url;
      link.textContent = node.label;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" — " + node.kinds.join(", ")));
      element.appendChild(item);
    });
  }

  function draw(container, data) {
    var elements = data.nodes.map(function (node) {
      return { data: Object.assign({}, node, { size: 18 + 42 * node.strength, colour: COLOURS[node.kind] }) };
    }).concat(data.edges.map(function (edge, index) {
      return { data: { id: "e" + index, source: edge.source, target: edge.target,
                       width: 1 + 7 * edge.strength, colour: COLOURS[edge.kind] } };
    }));
    var map = cytoscape({
      container: container,
      elements: elements,
      layout: { name: "concentric", concentric: function (node) { return node.data("me") ? 10 : Math.round(node.data("strength") * 5); },
                levelWidth: function () { return 1; }, minNodeSpacing: 14, animate: false },
      style: [
        { selector: "node", style: { "background-color": "data(colour)", width: "data(size)", height: "data(size)",
                                       label: "data(label)", "font-size": 10, color: "#1d2433", "text-valign": "bottom", "text-margin-y": 3 } },
        { selector: "edge", style: { width: "data(width)", "line-color": "data(colour)", opacity: 0.6, "curve-style": "straight" } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#f0b429" } },
      ],
      wheelSensitivity: 0.3,
    });
    map.on("tap", "node", function (event) {
      var url = event.target.data("url");
      if (url) { window.location.href = url; }
    });
    container.dataset.ready = "true";
    container.dataset.nodes = String(data.nodes.length);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("network-map");
    if (!container || typeof cytoscape === "undefined") { return; }
    fetch(container.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        legend(document.getElementById("map-legend"), data.legend);
        list(document.getElementById("map-list"), data.nodes);
        draw(container, data);
      });
  });
})();
