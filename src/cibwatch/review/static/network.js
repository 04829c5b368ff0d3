// Draws a network with cytoscape from /api/graph (positions computed on the server).
// Data only ever reaches the page through textContent and canvas labels, never innerHTML.
(function () {
  "use strict";
  var NODE_COLOURS = {
    twitter: "#1d9bf0", facebook: "#1877f2", instagram: "#c13584", telegram: "#27a7e7", web: "#7a6a53"
  };
  // Keep in step with the .edge-* rules in app.css.
  var EDGE_COLOURS = {
    "co-link": "#e4572e", "co-domain": "#f3a712", "co-share": "#29335c", "identical-text": "#a8c686",
    "near-duplicate-text": "#669bbc", "hashtag-sequence": "#8e44ad", "co-mention": "#16a085",
    "co-reply": "#d35400", "sync-activity": "#7f8c8d", "profile-similarity": "#c0392b"
  };
  var box = document.getElementById("graph");
  if (!box || typeof cytoscape !== "function") { return; }
  var note = document.getElementById("graph-note");
  var networkId = box.getAttribute("data-network-id");
  var networkPath = box.getAttribute("data-network-path");

  function say(text) { if (note) { note.textContent = text; } }

  fetch("/api/graph?network_id=" + encodeURIComponent(networkId), {
    credentials: "same-origin", headers: { "Accept": "application/json" }
  }).then(function (r) {
    if (!r.ok) { throw new Error("graph request failed: " + r.status); }
    return r.json();
  }).then(function (g) {
    var elements = [];
    g.nodes.forEach(function (n) {
      elements.push({ group: "nodes", data: {
        id: n.id, asset: n.asset_id, platform: n.platform || "",
        label: (n.handle ? "@" + n.handle : String(n.native_id || "")).slice(0, 40),
        colour: NODE_COLOURS[n.platform] || "#9aa3ab"
      }, position: { x: n.x, y: n.y } });
    });
    g.edges.forEach(function (e, i) {
      elements.push({ group: "edges", data: {
        id: "e" + i, source: e.source, target: e.target, signal: e.signal,
        colour: EDGE_COLOURS[e.signal] || "#9aa3ab",
        width: Math.max(0.5, Math.min(6, 0.5 + Math.log(1 + (e.weight || 0))))
      } });
    });
    var big = g.nodes.length > 300;
    var cy = cytoscape({
      container: box,
      elements: elements,
      layout: { name: "preset" },
      minZoom: 0.02, maxZoom: 4,
      textureOnViewport: big, hideEdgesOnViewport: big, pixelRatio: 1,
      style: [
        { selector: "node", style: {
          "background-color": "data(colour)", "width": 10, "height": 10,
          "label": big ? "" : "data(label)", "font-size": 6, "color": "#333",
          "min-zoomed-font-size": 8 } },
        { selector: "edge", style: {
          "line-color": "data(colour)", "width": "data(width)", "opacity": 0.7,
          "curve-style": big ? "haystack" : "bezier" } },
        { selector: ":selected", style: { "border-width": 2, "border-color": "#000", "line-color": "#000" } }
      ]
    });
    cy.on("tap", "node", function (ev) {
      window.location.assign("/assets/" + encodeURIComponent(ev.target.data("asset")));
    });
    cy.on("tap", "edge", function (ev) {
      var d = ev.target.data();
      window.location.assign("/evidence?a=" + encodeURIComponent(d.source) + "&b=" +
        encodeURIComponent(d.target) + "&signal=" + encodeURIComponent(d.signal) +
        "&network=" + networkPath);
    });
    box.setAttribute("data-nodes", String(g.nodes.length));
    box.setAttribute("data-edges", String(g.edges.length));
    var msg = g.nodes.length + " members, " + g.edges_drawn + " edges drawn";
    if (g.edges_total > g.edges_drawn) { msg += " (the strongest of " + g.edges_total + ")"; }
    say(msg + ". Click a node to open the asset, an edge to open its evidence.");
    window.cibwatchGraph = cy;  // for tests and the console
  }).catch(function (err) { say(String(err.message || err)); });
})();
