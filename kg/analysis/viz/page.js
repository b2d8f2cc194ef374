(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var svg = document.getElementById("graph");
  var viewport = document.getElementById("viewport");
  var panel = document.getElementById("panel");
  var nodesById = {}, edgesById = {}, nodeEls = {}, edgeEls = {};
  data.nodes.forEach(function (n) { nodesById[n.id] = n; });
  data.edges.forEach(function (e) { edgesById[e.id] = e; });

  function el(name, attrs, parent) {
    var x = document.createElementNS(NS, name);
    for (var k in attrs) { if (attrs[k] !== null && attrs[k] !== undefined) x.setAttribute(k, attrs[k]); }
    if (parent) parent.appendChild(x);
    return x;
  }
  function h(name, attrs, text, parent) {
    var x = document.createElement(name);
    for (var k in attrs || {}) { x.setAttribute(k, attrs[k]); }
    if (text !== null && text !== undefined) x.textContent = String(text);
    if (parent) parent.appendChild(x);
    return x;
  }
  function colour(n) { return data.class_colours[n.type] || "#999"; }
  function radius(n) { return n.kind === "event" ? 7 : Math.min(18, 5 + 2 * Math.sqrt(n.degree || 0)); }
  function name(n) { return n ? (n.label_en || n.label_ar || n.id.split("/").pop()) : "?"; }

  // ---- markers (one arrow head per role colour)
  var defs = el("defs", {}, svg);
  Object.keys(data.role_colours).forEach(function (role) {
    var m = el("marker", {id: "arrow-" + role, viewBox: "0 0 10 10", refX: "10", refY: "5",
      markerWidth: "6", markerHeight: "6", orient: "auto-start-reverse"}, defs);
    el("path", {d: "M 0 0 L 10 5 L 0 10 z", fill: data.role_colours[role]}, m);
  });

  // ---- edges: parallel edges between the same two nodes bend apart
  var edgeLayer = el("g", {id: "edges"}, viewport);
  var nodeLayer = el("g", {id: "nodes"}, viewport);
  var pairCount = {}, pairIndex = {};
  data.edges.forEach(function (e) {
    var k = [e.source, e.target].sort().join(" ");
    pairCount[k] = (pairCount[k] || 0) + 1;
  });
  data.edges.forEach(function (e) {
    var a = nodesById[e.source], b = nodesById[e.target];
    if (!a || !b) return;
    var k = [e.source, e.target].sort().join(" ");
    var i = pairIndex[k] = (pairIndex[k] || 0) + 1;
    var n = pairCount[k];
    var dx = b.x - a.x, dy = b.y - a.y, len = Math.sqrt(dx * dx + dy * dy) || 1;
    var rb = radius(b) + 2, ra = radius(a);
    var x1 = a.x + dx / len * ra, y1 = a.y + dy / len * ra;
    var x2 = b.x - dx / len * rb, y2 = b.y - dy / len * rb;
    var bend = (i - (n + 1) / 2) * 18 * (e.source < e.target ? 1 : -1);
    var mx = (x1 + x2) / 2 - dy / len * bend, my = (y1 + y2) / 2 + dx / len * bend;
    var d = "M" + x1.toFixed(1) + "," + y1.toFixed(1) + " Q" + mx.toFixed(1) + "," + my.toFixed(1) +
      " " + x2.toFixed(1) + "," + y2.toFixed(1);
    var g = el("g", {"class": "edge-group", "data-id": e.id, "data-role": e.role}, edgeLayer);
    var line = el("path", {"class": "edge", d: d, stroke: data.role_colours[e.role] || "#999",
      "marker-end": "url(#arrow-" + e.role + ")"}, g);
    if (e.role === "attributed_to" || e.role === "claimed_by") line.setAttribute("stroke-dasharray", "5 3");
    var hit = el("path", {"class": "edge hit", d: d}, g);
    el("title", {}, hit).textContent = e.role + ": " + name(a) + " → " + name(b);
    hit.addEventListener("click", function (ev) { ev.stopPropagation(); select(e.id); });
    edgeEls[e.id] = g;
  });

  // ---- nodes, with an Arabic label (right to left) above an English one
  data.nodes.forEach(function (n) {
    var g = el("g", {"class": "node", "data-id": n.id, "data-kind": n.kind,
      transform: "translate(" + n.x + "," + n.y + ")"}, nodeLayer);
    el("circle", {r: radius(n), fill: colour(n)}, g);
    var r = radius(n);
    if (n.label_ar) {
      var ta = el("text", {"class": "ar", lang: "ar", direction: "rtl", "text-anchor": "middle", y: -r - 4}, g);
      ta.textContent = n.label_ar;
    }
    if (n.label_en) {
      var te = el("text", {"class": "en", lang: "en", "text-anchor": "middle", y: r + 12}, g);
      te.textContent = n.label_en + (n.kind === "event" && n.date ? " (" + n.date + ")" : "");
    }
    el("title", {}, g).textContent = name(n);
    g.addEventListener("click", function (ev) { ev.stopPropagation(); select(n.id); });
    nodeEls[n.id] = g;
  });

  // ---- the side panel
  function sourcesList(sources, parent) {
    if (!sources || !sources.length) { h("p", {"class": "meta"}, "No evidence recorded.", parent); return; }
    sources.forEach(function (s) {
      h("blockquote", {dir: "rtl", lang: "ar", "class": "evidence"}, s.sentence || s.quote || "", parent);
      var where = (s.article || "?") + (s.start !== undefined && s.start !== null ? " [" + s.start + "–" + s.end + "]" : "");
      h("cite", {"class": "article"}, where, parent);
    });
  }
  function linkTo(id, text, parent) {
    var a = h("span", {"class": "linkish"}, text, parent);
    a.addEventListener("click", function () { select(id); });
    return a;
  }
  function clearSelection() {
    Array.prototype.forEach.call(document.querySelectorAll(".selected"), function (x) { x.classList.remove("selected"); });
  }
  function showNode(n) {
    panel.textContent = "";
    if (n.label_ar) h("h2", {dir: "rtl", lang: "ar", "class": "ar"}, n.label_ar, panel);
    if (n.label_en) h("h2", {lang: "en"}, n.label_en, panel);
    h("p", {"class": "meta"}, (n.kind || "") + " · " + (n.type || ""), panel);
    h("p", {"class": "meta"}, n.id, panel);
    if (n.kind === "event") {
      h("p", {"class": "meta"}, "date: " + (n.date ? n.date + " (" + n.date_precision + ")" : "unknown") +
        " · status: " + (n.status || "?"), panel);
      var cas = [];
      if (n.killed !== null && n.killed !== undefined) cas.push(n.killed + " killed");
      if (n.wounded !== null && n.wounded !== undefined) cas.push(n.wounded + " wounded");
      if (cas.length) h("p", {"class": "meta"}, "casualties: " + cas.join(", "), panel);
      if (n.not_claimed) h("p", {"class": "meta"}, "nobody claimed it", panel);
    }
    var ul = h("ul", {"class": "links"}, null, null);
    data.edges.forEach(function (e) {
      if (e.source !== n.id && e.target !== n.id) return;
      var li = h("li", {}, null, ul);
      var out = e.source === n.id;
      li.appendChild(document.createTextNode(out ? e.role + " → " : "← " + e.role + " "));
      linkTo(out ? e.target : e.source, name(nodesById[out ? e.target : e.source]), li);
      li.appendChild(document.createTextNode(" "));
      linkTo(e.id, "(evidence)", li);
    });
    if (ul.childNodes.length) { h("h3", {}, "Links", panel); panel.appendChild(ul); }
    h("h3", {}, n.kind === "event" ? "Evidence" : "Mentions", panel);
    sourcesList(n.sources, panel);
  }
  function showEdge(e) {
    panel.textContent = "";
    var a = nodesById[e.source], b = nodesById[e.target];
    h("h2", {}, e.role, panel);
    var p = h("p", {}, null, panel);
    linkTo(e.source, name(a), p);
    p.appendChild(document.createTextNode(" → "));
    linkTo(e.target, name(b), p);
    if (e.by && e.by.length) {
      h("p", {"class": "meta"}, "according to: " + e.by.map(function (x) { return name(nodesById[x]) || x; }).join(", "), panel);
    }
    h("h3", {}, "Evidence", panel);
    sourcesList(e.sources, panel);
  }
  function select(id) {
    clearSelection();
    if (nodesById[id]) { nodeEls[id].classList.add("selected"); showNode(nodesById[id]); }
    else if (edgesById[id]) {
      edgeEls[id].querySelector(".edge").classList.add("selected");
      showEdge(edgesById[id]);
    }
    panel.setAttribute("data-selected", id);
  }
  window.kgSelect = select;

  // ---- pan and zoom
  var view = {x: 0, y: 0, k: 1};
  function apply() {
    viewport.setAttribute("transform", "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")");
    svg.classList.toggle("far", view.k < 1.8);  // event labels only when zoomed in
  }
  function toSvg(ev) {
    var pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
    var m = svg.getScreenCTM();
    return m ? pt.matrixTransform(m.inverse()) : {x: 0, y: 0};
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var f = Math.exp(-ev.deltaY * 0.0015), p = toSvg(ev);
    var k = Math.max(0.1, Math.min(20, view.k * f)); f = k / view.k;
    view.x = p.x - (p.x - view.x) * f; view.y = p.y - (p.y - view.y) * f; view.k = k; apply();
  }, {passive: false});
  var drag = null;
  svg.addEventListener("mousedown", function (ev) { drag = {p: toSvg(ev), x: view.x, y: view.y}; svg.classList.add("dragging"); });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    var p = toSvg(ev); view.x = drag.x + (p.x - drag.p.x); view.y = drag.y + (p.y - drag.p.y); apply();
  });
  window.addEventListener("mouseup", function () { drag = null; svg.classList.remove("dragging"); });
  document.getElementById("reset").addEventListener("click", function () { view = {x: 0, y: 0, k: 1}; apply(); });

  // ---- filters by kind, search
  function refilter() {
    var shown = {};
    Array.prototype.forEach.call(document.querySelectorAll("input[data-kind]"), function (c) { shown[c.getAttribute("data-kind")] = c.checked; });
    data.nodes.forEach(function (n) { nodeEls[n.id].classList.toggle("hidden", shown[n.kind] === false); });
    data.edges.forEach(function (e) {
      var a = nodesById[e.source], b = nodesById[e.target];
      if (edgeEls[e.id]) edgeEls[e.id].classList.toggle("hidden", shown[a.kind] === false || shown[b.kind] === false);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-kind]"), function (c) { c.addEventListener("change", refilter); });
  document.getElementById("search").addEventListener("input", function (ev) {
    var q = ev.target.value.trim().toLowerCase();
    data.nodes.forEach(function (n) {
      var hay = ((n.label_en || "") + " " + (n.label_ar || "") + " " + n.id).toLowerCase();
      nodeEls[n.id].classList.toggle("match", q.length > 1 && hay.indexOf(q) >= 0);
    });
  });

  var hash = decodeURIComponent((location.hash || "").replace(/^#/, ""));
  if (hash.indexOf("select=") === 0) select(hash.slice(7));
  document.documentElement.setAttribute("data-nodes", String(data.nodes.length));
  document.documentElement.setAttribute("data-edges", String(data.edges.length));
  if (!window.__kgErrors.length) document.documentElement.setAttribute("data-ok", "1");
})();