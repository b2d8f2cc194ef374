(function () {
  "use strict";
  var started = Date.now();
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var panel = document.getElementById("panel");
  var nodes = data.nodes, edges = data.edges;
  var big = nodes.length > 3000;
  var byId = {}, edgeIds = [], edgeIndex = {}, incident = nodes.map(function () { return []; });
  nodes.forEach(function (n, i) { byId[n.id] = i; });
  edges.forEach(function (e, i) {
    var id = nodes[e.s].id + "|" + nodes[e.t].id + "|" + (e.k === undefined ? 0 : e.k);
    edgeIds.push(id); edgeIndex[id] = i;
    incident[e.s].push(i); incident[e.t].push(i);
  });

  function h(name, attrs, text, parent) {
    var x = document.createElement(name);
    for (var k in attrs || {}) { x.setAttribute(k, attrs[k]); }
    if (text !== null && text !== undefined) x.textContent = String(text);
    if (parent) parent.appendChild(x);
    return x;
  }
  function name(n) { return n ? (n.label_en || n.label_ar || n.id.split("/").pop()) : "?"; }
  function label(n) {
    var en = n.label_en || "";
    if (n.kind === "event" && n.date) en += " (" + n.date + ")";
    return n.label_ar ? en + "\n" + n.label_ar : en;
  }

  // ---- the elements: lanes (background bands and names), ticks, nodes, edges
  var els = [], heads = {};  // the groups at the head of a lane: the lane's name says who they are
  data.lanes.forEach(function (l) { if (l.id) heads[l.id] = true; });
  var laneWidth = data.width + 900, minFont = nodes.length > 300 ? 8 : 5;
  data.lanes.forEach(function (l, i) {
    els.push({group: "nodes", classes: "lane" + (i % 2 ? " odd" : ""), selectable: false,
      data: {id: "lane:" + i, w: laneWidth, h: l.h}, position: {x: (data.width - 100) / 2, y: l.y + l.h / 2}});
    els.push({group: "nodes", classes: "lane-name", selectable: false,
      data: {id: "lane-name:" + i, label: (l.en || "") + " (" + l.events + ")" + (l.ar ? "\n" + l.ar : ""), h: l.h,
        short: (l.en || l.ar || "") + " (" + l.events + ")"},
      position: {x: -330, y: l.y + l.h / 2}});
  });
  var bottom = Math.max.apply(null, nodes.map(function (n) { return n.y; }).concat([0]));
  data.ticks.forEach(function (t, i) {
    els.push({group: "nodes", classes: "tick", selectable: false,
      data: {id: "tick:" + i, label: t.label, h: bottom + 120}, position: {x: t.x, y: bottom / 2}});
  });
  nodes.forEach(function (n, i) {
    els.push({group: "nodes", data: {id: "n" + i, label: label(n), colour: data.class_colours[n.type] || "#999",
      size: n.kind === "event" ? 10 : Math.min(40, 14 + 3 * Math.sqrt(n.degree || 0))},
      classes: n.kind === "event" ? "event" + (n.labelled ? " labelled" : "") : "entity" + (heads[n.id] ? " head" : ""),
      position: {x: n.x, y: n.y}});
  });
  edges.forEach(function (e, i) {
    els.push({group: "edges", data: {id: "e" + i, source: "n" + e.s, target: "n" + e.t,
      colour: data.role_colours[e.role] || "#999"}, classes: "role-" + e.role + (e.role === "in_retaliation_for" ? " answer" : "")});
  });

  function styles(ev, fs) {
    return [
      {selector: "node", style: {"background-color": "data(colour)", width: "data(size)", height: "data(size)",
        label: "data(label)", "font-size": 10, "text-wrap": "wrap", "text-valign": "bottom", "text-margin-y": 2,
        "min-zoomed-font-size": minFont, "font-family": "DejaVu Sans, " + getComputedStyle(document.documentElement).getPropertyValue("--ar"),
        "text-outline-color": "#fff", "text-outline-width": 2, "border-width": 1, "border-color": "#fff",
        "z-index-compare": "manual", "z-index": 3}},
      {selector: "node.event", style: {label: "", width: ev, height: ev}},
      {selector: "node.event.labelled, node.event.hover, node.event.match, node.event.near, node.event:selected", style: {label: "data(label)"}},
      {selector: "node.hover", style: {"min-zoomed-font-size": 0, "z-index": 11}},
      {selector: "node.entity", style: {"font-size": 14, "font-weight": "bold", shape: "round-rectangle"}},
      {selector: "node.entity.head", style: {label: ""}},
      {selector: "node.entity.head.hover, node.entity.head:selected, node.entity.head.match", style: {label: "data(label)"}},
      {selector: "node.lane", style: {shape: "rectangle", width: "data(w)", height: "data(h)", "background-color": "#fafafa",
        "border-width": 0, label: "", events: "no", "z-index": 0}},
      {selector: "node.lane.odd", style: {"background-color": "#f0f0f0"}},
      {selector: "node.lane-name", style: {"background-opacity": 0, "border-width": 0, "font-size": fs, width: 1, height: 1,
        "text-halign": "left", "text-justification": "right",
        "font-weight": "bold", "text-valign": "center", events: "no", "min-zoomed-font-size": 6}},
      {selector: "node.lane-name.short", style: {label: "data(short)", "font-size": Math.round(fs * 0.8)}},
      {selector: "node.lane-name.tiny", style: {label: ""}},
      {selector: "node.tick", style: {shape: "rectangle", width: 1, height: "data(h)", "background-color": "#ccc",
        "border-width": 0, "text-valign": "top", "font-size": 14, "min-zoomed-font-size": 4, events: "no", "z-index": 1}},
      {selector: "edge", style: {"curve-style": "haystack", "line-color": "data(colour)", width: 1, opacity: 0.55,
        "z-index-compare": "manual", "z-index": 2}},
      {selector: "edge.answer", style: {"curve-style": "unbundled-bezier", "control-point-distances": 40,
        "target-arrow-shape": "triangle", "target-arrow-color": "#000", width: 1.6, opacity: 0.9}},
      {selector: ".off", style: {display: "none"}},
      {selector: "edge.near", style: {display: "element", width: 2.5, opacity: 1}},
      {selector: "node.match", style: {"border-color": "#000", "border-width": 3, "min-zoomed-font-size": 0, "z-index": 9}},
      {selector: "node:selected, node.near", style: {"min-zoomed-font-size": 0, "z-index": 10}},
      {selector: "node:selected", style: {"border-color": "#000", "border-width": 4, "font-size": 14}},
      {selector: "edge:selected", style: {width: 4, opacity: 1}}
    ];
  }
  // the zoom the first fit will have, so that the sizes that follow the zoom are right from the start
  var box = document.getElementById("graph"), bw = data.width + 1500, bh = bottom + 200;
  function step(x) { return Math.round(Math.pow(1.4, Math.round(Math.log(x) / Math.log(1.4)))); }
  function sizesAt(z) { return {ev: step(Math.min(60, Math.max(10, 3 / z))), fs: step(Math.min(600, Math.max(13, 12 / z)))}; }
  var sized = sizesAt(Math.min((box.clientWidth || 800) / bw, (box.clientHeight || 600) / bh));
  var cy = window.cytoscape({
    container: document.getElementById("graph"),
    elements: els,
    layout: {name: "preset", fit: true, padding: 30},
    minZoom: 0.005, maxZoom: 6,
    boxSelectionEnabled: false, autoungrabify: true,
    textureOnViewport: big, hideEdgesOnViewport: big, pixelRatio: big ? 1 : "auto",
    style: styles(sized.ev, sized.fs)
  });
  window.kgCy = cy;

  // ---- the side panel
  function sourcesList(refs, parent) {
    if (!refs || !refs.length) { h("p", {"class": "meta"}, "No evidence recorded.", parent); return; }
    refs.forEach(function (r) {
      var s = data.sources[r];
      h("blockquote", {dir: "rtl", lang: "ar", "class": "evidence"}, s[3] || "", parent);
      h("cite", {"class": "article"}, (s[0] || "?") + (s[1] !== null && s[1] !== undefined ? " [" + s[1] + "–" + s[2] + "]" : ""), parent);
    });
  }
  function linkTo(id, text, parent) {
    var a = h("span", {"class": "linkish"}, text, parent);
    a.addEventListener("click", function () { select(id); });
    return a;
  }
  function showNode(n, i) {
    panel.textContent = "";
    if (n.label_ar) h("h2", {dir: "rtl", lang: "ar", "class": "ar"}, n.label_ar, panel);
    if (n.label_en) h("h2", {lang: "en"}, n.label_en, panel);
    h("p", {"class": "meta"}, (n.kind || "") + " · " + (n.type || ""), panel);
    h("p", {"class": "meta"}, n.id, panel);
    if (n.kind === "event") {
      h("p", {"class": "meta"}, "date: " + (n.date ? n.date + " (" + n.date_precision + ")" : "unknown") +
        " · status: " + (n.status || "?") + (n.confidence !== undefined ? " · confidence: " + n.confidence : ""), panel);
      var cas = [];
      if (n.killed !== undefined) cas.push(n.killed + " killed");
      if (n.wounded !== undefined) cas.push(n.wounded + " wounded");
      if (cas.length) h("p", {"class": "meta"}, "casualties: " + cas.join(", "), panel);
      if (n.not_claimed) h("p", {"class": "meta"}, "nobody claimed it", panel);
    }
    var ul = h("ul", {"class": "links"}, null, null);
    incident[i].slice(0, 200).forEach(function (j) {
      var e = edges[j], out = e.s === i, other = nodes[out ? e.t : e.s];
      var li = h("li", {}, null, ul);
      li.appendChild(document.createTextNode(out ? e.role + " → " : "← " + e.role + " "));
      linkTo(other.id, name(other) + (other.kind === "event" && other.date ? " (" + other.date + ")" : ""), li);
      li.appendChild(document.createTextNode(" "));
      linkTo(edgeIds[j], "(evidence)", li);
    });
    if (ul.childNodes.length) {
      h("h3", {}, "Links" + (incident[i].length > 200 ? " (first 200 of " + incident[i].length + ")" : ""), panel);
      panel.appendChild(ul);
    }
    h("h3", {}, n.kind === "event" ? "Evidence" : "Mentions", panel);
    sourcesList(n.src, panel);
    if (n.more) h("p", {"class": "meta"}, "… and " + n.more + " more mentions", panel);
  }
  function showEdge(e) {
    panel.textContent = "";
    var a = nodes[e.s], b = nodes[e.t];
    h("h2", {}, e.role, panel);
    var p = h("p", {}, null, panel);
    linkTo(a.id, name(a), p);
    p.appendChild(document.createTextNode(" → "));
    linkTo(b.id, name(b), p);
    if (e.by && e.by.length) {
      h("p", {"class": "meta"}, "according to: " + e.by.map(function (x) { return byId[x] !== undefined ? name(nodes[byId[x]]) : x; }).join(", "), panel);
    }
    h("h3", {}, "Evidence", panel);
    sourcesList(e.src, panel);
  }
  function select(id) {
    cy.batch(function () {
      cy.elements(":selected").unselect();
      cy.elements(".near").removeClass("near");
      var el = null;
      if (byId[id] !== undefined) {
        var i = byId[id];
        el = cy.getElementById("n" + i);
        el.connectedEdges().addClass("near");
        el.neighborhood("node").addClass("near");
        showNode(nodes[i], i);
      } else if (edgeIndex[id] !== undefined) {
        el = cy.getElementById("e" + edgeIndex[id]);
        el.addClass("near");
        showEdge(edges[edgeIndex[id]]);
      }
      if (el) el.select();
    });
    panel.setAttribute("data-selected", id);
  }
  window.kgSelect = select;
  cy.on("tap", "node.event, node.entity", function (ev) { select(nodes[+ev.target.id().slice(1)].id); });
  // ---- sizes that follow the zoom: events stay visible from afar, lane names stay readable
  function resize() {
    var z = cy.zoom(), want = sizesAt(z);
    if (sized.ev !== want.ev || sized.fs !== want.fs) {
      sized = want;
      cy.style().fromJson(styles(sized.ev, sized.fs)).update();
    }
    cy.batch(function () {
      cy.nodes(".lane-name").forEach(function (n) {
        var px = n.data("h") * z;  // the lane's height on screen
        n.toggleClass("short", px < 30); n.toggleClass("tiny", px < 9);
      });
    });
  }
  resize();
  cy.on("zoom", resize);
  cy.on("mouseover", "node.event, node.entity", function (ev) { ev.target.addClass("hover"); });
  cy.on("mouseout", "node.event, node.entity", function (ev) { ev.target.removeClass("hover"); });
  cy.on("tap", "edge", function (ev) { select(edgeIds[+ev.target.id().slice(1)]); });

  // ---- filters: date range, actor, event type, confidence; link roles; search
  var from = document.getElementById("from"), to = document.getElementById("to");
  var actor = document.getElementById("actor"), minconf = document.getElementById("minconf");
  var minconfOut = document.getElementById("minconf-value");
  function checked(attr) {
    var out = {};
    Array.prototype.forEach.call(document.querySelectorAll("input[" + attr + "]"), function (c) { out[c.getAttribute(attr)] = c.checked; });
    return out;
  }
  function passes(n, f) {
    if (f.types[n.type] === false) return false;
    if (f.minconf > 0 && !(n.confidence >= f.minconf)) return false;
    if (f.from || f.to) {
      if (!n.lo) return false;
      if (f.from && n.hi < f.from) return false;
      if (f.to && n.lo > f.to) return false;
    }
    if (f.actor === "none") return !(n.parties && n.parties.length);
    if (f.actor) return !!n.parties && n.parties.indexOf(f.actor) >= 0;
    return true;
  }
  function refilter() {
    var f = {types: checked("data-type"), roles: checked("data-role"), minconf: +minconf.value,
      from: from.value, to: to.value, actor: actor.value};
    minconfOut.textContent = (+minconf.value).toFixed(2);
    var shown = nodes.map(function (n) { return n.kind === "event" ? passes(n, f) : false; });
    nodes.forEach(function (n, i) {  // an entity is shown when one of its events is
      if (n.kind === "event") return;
      var any = !incident[i].length;
      for (var k = 0; k < incident[i].length && !any; k++) {
        var e = edges[incident[i][k]], o = e.s === i ? e.t : e.s;
        if (nodes[o].kind === "event" && shown[o]) any = true;
      }
      shown[i] = any;
    });
    var t0 = Date.now(), counts = {events: 0, nodes: 0, edges: 0};
    cy.batch(function () {
      nodes.forEach(function (n, i) {
        cy.getElementById("n" + i).toggleClass("off", !shown[i]);
        if (shown[i]) { counts.nodes++; if (n.kind === "event") counts.events++; }
      });
      edges.forEach(function (e, i) {
        var on = shown[e.s] && shown[e.t], drawn = on && f.roles[e.role] !== false;
        cy.getElementById("e" + i).toggleClass("off", !drawn);
        if (on) counts.edges++;
      });
    });
    var root = document.documentElement;
    root.setAttribute("data-shown-events", String(counts.events));
    root.setAttribute("data-shown-nodes", String(counts.nodes));
    root.setAttribute("data-shown-edges", String(counts.edges));
    root.setAttribute("data-filter-ms", String(Date.now() - t0));
    document.getElementById("count").textContent = counts.events + " events shown";
  }
  [from, to, actor, minconf].forEach(function (x) { x.addEventListener("change", refilter); });
  minconf.addEventListener("input", function () { minconfOut.textContent = (+minconf.value).toFixed(2); });
  Array.prototype.forEach.call(document.querySelectorAll("input[data-type], input[data-role]"), function (c) { c.addEventListener("change", refilter); });
  document.getElementById("search").addEventListener("input", function (ev) {
    var q = ev.target.value.trim().toLowerCase();
    cy.batch(function () {
      nodes.forEach(function (n, i) {
        var hay = ((n.label_en || "") + " " + (n.label_ar || "") + " " + n.id).toLowerCase();
        cy.getElementById("n" + i).toggleClass("match", q.length > 1 && hay.indexOf(q) >= 0);
      });
    });
  });
  document.getElementById("reset").addEventListener("click", function () {
    from.value = to.value = actor.value = ""; minconf.value = "0";
    Array.prototype.forEach.call(document.querySelectorAll("input[data-type]"), function (c) { c.checked = true; });
    refilter(); cy.fit(undefined, 30);
  });

  // ---- the state in the URL fragment: select, from, to, actor, types, minconf
  var params = new URLSearchParams((location.hash || "").replace(/^#/, ""));
  if (params.get("from")) from.value = params.get("from");
  if (params.get("to")) to.value = params.get("to");
  if (params.get("actor")) actor.value = params.get("actor");
  if (params.get("minconf")) minconf.value = params.get("minconf");
  if (params.get("types")) {
    var wanted = params.get("types").split(",");
    Array.prototype.forEach.call(document.querySelectorAll("input[data-type]"), function (c) { c.checked = wanted.indexOf(c.getAttribute("data-type")) >= 0; });
  }
  refilter();
  if (params.get("select")) {
    select(params.get("select"));
    var chosen = cy.$(":selected");
    if (chosen.length) cy.fit(chosen.union(chosen.connectedNodes()).union(chosen.neighborhood("node")), 80);
  }
  document.documentElement.setAttribute("data-nodes", String(nodes.length));
  document.documentElement.setAttribute("data-edges", String(edges.length));
  document.documentElement.setAttribute("data-ms", String(Date.now() - started));  // to draw and filter
  if (!window.__kgErrors.length) document.documentElement.setAttribute("data-ok", "1");
})();
