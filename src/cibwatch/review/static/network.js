// Draws a network from /api/graph (positions computed on the server with igraph).
// Up to CYTOSCAPE_MAX members: cytoscape (labels, selection). Larger networks: a plain canvas
// overview, because styling 10,000+ cytoscape elements blocks the page for seconds on a
// software-rendered browser while a canvas draws them in a few milliseconds.
// Data only ever reaches the page through textContent and canvas drawing, never innerHTML.
(function () {
  "use strict";
  var CYTOSCAPE_MAX = 400;
  var NODE_COLOURS = {
    twitter: "#1d9bf0", facebook: "#1877f2", instagram: "#c13584", telegram: "#27a7e7", web: "#7a6a53"
  };
  // Keep in step with the .edge-* rules in app.css.
  var EDGE_COLOURS = {
    "co-link": "#e4572e", "co-domain": "#f3a712", "co-share": "#29335c", "identical-text": "#a8c686",
    "near-duplicate-text": "#669bbc", "hashtag-sequence": "#8e44ad", "co-mention": "#16a085",
    "co-reply": "#d35400", "sync-activity": "#7f8c8d", "profile-similarity": "#c0392b"
  };
  var OTHER = "#9aa3ab";
  var box = document.getElementById("graph");
  if (!box) { return; }
  var note = document.getElementById("graph-note");
  var tip = document.getElementById("graph-tip");
  var networkId = box.getAttribute("data-network-id");
  var networkPath = box.getAttribute("data-network-path");
  var times = window.cibwatchTimes = { start: performance.now() };

  function say(text) { if (note) { note.textContent = text; } }
  function describe(n) {
    return n.platform + " · " + n.kind + " · " + n.native_id + (n.handle ? " @" + n.handle : "");
  }
  function openAsset(assetId) {
    window.location.assign("/assets/" + encodeURIComponent(assetId));
  }
  function openEvidence(source, target, signal) {
    window.location.assign("/evidence?a=" + encodeURIComponent(source) + "&b=" +
      encodeURIComponent(target) + "&signal=" + encodeURIComponent(signal) +
      "&network=" + networkPath);
  }
  function done(g, renderer, api) {
    times.drawn = performance.now();
    box.setAttribute("data-renderer", renderer);
    box.setAttribute("data-edges", String(g.edges.length));
    box.setAttribute("data-nodes", String(g.nodes.length));
    var msg = g.nodes.length + " members, " + g.edges_drawn + " edges drawn";
    if (g.edges_total > g.edges_drawn) { msg += " (the strongest of " + g.edges_total + ")"; }
    say(msg + ". Drag to pan, scroll to zoom; click a node to open the asset, an edge to open its evidence.");
    window.cibwatchGraph = api;  // for tests and the console
  }

  // --- cytoscape, for small and medium networks -------------------------------------------
  function drawCytoscape(g) {
    var elements = [];
    g.nodes.forEach(function (n) {
      elements.push({ group: "nodes", classes: "p-" + (NODE_COLOURS[n.platform] ? n.platform : "other"),
        data: { id: n.id, asset: n.asset_id, title: describe(n),
          label: (n.handle ? "@" + n.handle : String(n.native_id || "")).slice(0, 40) },
        position: { x: n.x, y: n.y } });
    });
    g.edges.forEach(function (e, i) {
      elements.push({ group: "edges", classes: "s-" + (EDGE_COLOURS[e.signal] ? e.signal : "other"),
        data: { id: "e" + i, source: e.source, target: e.target, signal: e.signal } });
    });
    // Class selectors rather than per-element data mappers: cheaper to style.
    var style = [
      { selector: "node", style: { "background-color": OTHER, "width": 10, "height": 10,
        "label": "data(label)", "font-size": 6, "color": "#333", "min-zoomed-font-size": 8 } },
      { selector: "edge", style: { "line-color": OTHER, "width": 1.5, "opacity": 0.8,
        "curve-style": "haystack" } },
      { selector: ":selected", style: { "border-width": 2, "border-color": "#000", "line-color": "#000" } }
    ];
    Object.keys(NODE_COLOURS).forEach(function (p) {
      style.push({ selector: "node.p-" + p, style: { "background-color": NODE_COLOURS[p] } });
    });
    Object.keys(EDGE_COLOURS).forEach(function (s) {
      style.push({ selector: "edge.s-" + s, style: { "line-color": EDGE_COLOURS[s] } });
    });
    var cy = cytoscape({ container: box, elements: elements, layout: { name: "preset" },
      style: style, minZoom: 0.02, maxZoom: 4, pixelRatio: 1 });
    cy.on("tap", "node", function (ev) { openAsset(ev.target.data("asset")); });
    cy.on("tap", "edge", function (ev) {
      var d = ev.target.data();
      openEvidence(d.source, d.target, d.signal);
    });
    cy.on("mouseover", "node", function (ev) { if (tip) { tip.textContent = ev.target.data("title"); } });
    done(g, "cytoscape", {
      renderer: "cytoscape", cy: cy,
      tapEdge: function (i) { cy.edges()[i].emit("tap"); },
      tapNode: function (i) { cy.nodes()[i].emit("tap"); }
    });
  }

  // --- plain canvas, for large networks ---------------------------------------------------
  function drawCanvas(g) {
    var canvas = document.createElement("canvas");
    canvas.className = "graph-canvas";
    box.appendChild(canvas);
    var ctx = canvas.getContext("2d");
    var index = {};
    g.nodes.forEach(function (n, i) { index[n.id] = i; });
    var edges = g.edges.map(function (e) {
      return { a: index[e.source], b: index[e.target], e: e, colour: EDGE_COLOURS[e.signal] || OTHER };
    }).filter(function (e) { return e.a !== undefined && e.b !== undefined; });
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    g.nodes.forEach(function (n) {
      minX = Math.min(minX, n.x); maxX = Math.max(maxX, n.x);
      minY = Math.min(minY, n.y); maxY = Math.max(maxY, n.y);
    });
    var view = { k: 1, x: 0, y: 0 };
    var width = 0, height = 0, ratio = window.devicePixelRatio || 1;

    function fit() {
      width = box.clientWidth; height = box.clientHeight;
      canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
      var spanX = Math.max(maxX - minX, 1), spanY = Math.max(maxY - minY, 1);
      view.k = 0.92 * Math.min(width / spanX, height / spanY);
      view.x = width / 2 - view.k * (minX + maxX) / 2;
      view.y = height / 2 - view.k * (minY + maxY) / 2;
    }
    function sx(n) { return view.x + view.k * n.x; }
    function sy(n) { return view.y + view.k * n.y; }
    function draw() {
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      ctx.globalAlpha = 0.45; ctx.lineWidth = 0.6;
      // One path per colour: thousands of strokes become a handful.
      var byColour = {};
      edges.forEach(function (e) { (byColour[e.colour] = byColour[e.colour] || []).push(e); });
      Object.keys(byColour).forEach(function (colour) {
        ctx.strokeStyle = colour; ctx.beginPath();
        byColour[colour].forEach(function (e) {
          var a = g.nodes[e.a], b = g.nodes[e.b];
          ctx.moveTo(sx(a), sy(a)); ctx.lineTo(sx(b), sy(b));
        });
        ctx.stroke();
      });
      ctx.globalAlpha = 1;
      var r = Math.max(1.5, Math.min(5, 1.2 * Math.sqrt(view.k * 10)));
      var byPlatform = {};
      g.nodes.forEach(function (n) {
        var c = NODE_COLOURS[n.platform] || OTHER;
        (byPlatform[c] = byPlatform[c] || []).push(n);
      });
      Object.keys(byPlatform).forEach(function (colour) {
        ctx.fillStyle = colour; ctx.beginPath();
        byPlatform[colour].forEach(function (n) {
          ctx.moveTo(sx(n) + r, sy(n)); ctx.arc(sx(n), sy(n), r, 0, 2 * Math.PI);
        });
        ctx.fill();
      });
    }
    function nodeAt(px, py) {
      var best = -1, bestD = 64;  // within 8 px
      g.nodes.forEach(function (n, i) {
        var dx = sx(n) - px, dy = sy(n) - py, d = dx * dx + dy * dy;
        if (d < bestD) { best = i; bestD = d; }
      });
      return best;
    }
    function edgeAt(px, py) {
      var best = -1, bestD = 16;  // within 4 px
      edges.forEach(function (e, i) {
        var a = g.nodes[e.a], b = g.nodes[e.b];
        var ax = sx(a), ay = sy(a), bx = sx(b), by = sy(b);
        var vx = bx - ax, vy = by - ay, len = vx * vx + vy * vy;
        var t = len ? Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / len)) : 0;
        var dx = ax + t * vx - px, dy = ay + t * vy - py, d = dx * dx + dy * dy;
        if (d < bestD) { best = i; bestD = d; }
      });
      return best;
    }
    function point(ev) {
      var rect = canvas.getBoundingClientRect();
      return [ev.clientX - rect.left, ev.clientY - rect.top];
    }
    var drag = null, moved = false;
    canvas.addEventListener("mousedown", function (ev) {
      drag = point(ev); moved = false;
    });
    window.addEventListener("mouseup", function () { drag = null; });
    canvas.addEventListener("mousemove", function (ev) {
      var p = point(ev);
      if (drag) {
        if (Math.abs(p[0] - drag[0]) + Math.abs(p[1] - drag[1]) > 2) { moved = true; }
        view.x += p[0] - drag[0]; view.y += p[1] - drag[1]; drag = p; draw();
        return;
      }
      var i = nodeAt(p[0], p[1]);
      canvas.style.cursor = i >= 0 ? "pointer" : "default";
      if (tip) { tip.textContent = i >= 0 ? describe(g.nodes[i]) : ""; }
    });
    canvas.addEventListener("click", function (ev) {
      if (moved) { return; }
      var p = point(ev), i = nodeAt(p[0], p[1]);
      if (i >= 0) { openAsset(g.nodes[i].asset_id); return; }
      var j = edgeAt(p[0], p[1]);
      if (j >= 0) { openEvidence(edges[j].e.source, edges[j].e.target, edges[j].e.signal); }
    });
    canvas.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = point(ev), f = ev.deltaY < 0 ? 1.2 : 1 / 1.2;
      view.x = p[0] - f * (p[0] - view.x); view.y = p[1] - f * (p[1] - view.y); view.k *= f;
      draw();
    }, { passive: false });
    window.addEventListener("resize", function () { fit(); draw(); });
    fit(); draw();
    done(g, "canvas", {
      renderer: "canvas",
      nodePosition: function (i) { return [sx(g.nodes[i]), sy(g.nodes[i])]; },
      tapEdge: function (i) { var e = edges[i].e; openEvidence(e.source, e.target, e.signal); },
      tapNode: function (i) { openAsset(g.nodes[i].asset_id); }
    });
  }

  fetch("/api/graph?network_id=" + encodeURIComponent(networkId), {
    credentials: "same-origin", headers: { "Accept": "application/json" }
  }).then(function (r) {
    if (!r.ok) { throw new Error("graph request failed: " + r.status); }
    times.response = performance.now();
    return r.json();
  }).then(function (g) {
    times.parsed = performance.now();
    if (g.nodes.length <= CYTOSCAPE_MAX && typeof cytoscape === "function") {
      drawCytoscape(g);
    } else {
      drawCanvas(g);
    }
  }).catch(function (err) { say(String(err.message || err)); });
})();
