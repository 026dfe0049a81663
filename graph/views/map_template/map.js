/* claimgraph map: panel, search and filters over vis-network.
 * All data comes from the page's JSON blocks (script elements of type application/json), read with
 * JSON.parse; the DOM is built with createElement and textContent only, never by parsing markup, so
 * document text stays text. */
(function () {
  "use strict";
  var t0 = performance.now();
  var api = { settleMs: null };
  window.claimMap = api;

  function readJSON(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }
  var visNodes = readJSON("map-nodes");
  var visEdges = readJSON("map-edges");
  var options = readJSON("map-options");
  var data = readJSON("map-data");

  var entities = data.entities;
  var claims = data.claims;
  var links = {};
  data.links.forEach(function (l) { links[l.id] = l; });
  var claimInfo = {};
  data.claimTypes.forEach(function (t) { claimInfo[t.code] = t; });
  var entityInfo = {};
  data.entityTypes.forEach(function (t) { entityInfo[t.code] = t; });
  var PAGE = 150;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function shortName(id) {
    var e = entities[id];
    return e ? e.label.split("\n")[0] : id;
  }
  function fullName(id) {
    var e = entities[id];
    return e ? e.label.split("\n").join(" · ") : id;
  }
  function typeLabel(code) {
    var t = claimInfo[code];
    return t ? (t.zh ? t.zh + " " : "") + t.en : code;
  }
  function typeColor(code) {
    var t = claimInfo[code];
    return t ? t.color : "#5f6b7a";
  }
  function entityTypeLabel(code) {
    var t = entityInfo[code];
    return t ? (t.zh ? t.zh + " " : "") + t.en + " (" + code + ")" : code;
  }

  /* ------------------------------------------------------------ header and legend */

  $("title").textContent = data.title;
  // The header counts what the filters leave on the map: entities, links, claims (statements), documents.
  function plural(n, word, many) { return n + " " + (n === 1 ? word : many || word + "s"); }
  function drawSummary(c) {
    var summary = plural(c.entities, "entity", "entities") + " · " +
      plural(c.links, "link") + " · " + plural(c.claims, "claim") +
      (c.statements !== c.claims ? " (" + plural(c.statements, "statement") + ")" : "") + " · " +
      plural(c.documents, "document");
    var filters = data.filters.concat(searchText ? ["names with “" + searchText + "”"] : []);
    if (filters.length) summary += " — " + filters.join("; ");
    $("summary").textContent = summary;
    $("notes").textContent = data.notes.join(" ");
    $("notes").hidden = !data.notes.length;
  }
  var searchText = "";  // the search box's words while they filter the map (see ``setQuery``)
  drawSummary(data.counts);

  var active = {};
  var typeRows = {};
  var entityRows = {};
  data.claimTypes.forEach(function (t) {
    active[t.code] = true;
    var row = el("label", "type-row");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.type = t.code;
    var sw = el("span", "swatch");
    sw.style.background = t.color;
    row.appendChild(box);
    row.appendChild(sw);
    row.appendChild(el("span", "name", typeLabel(t.code)));
    var count = el("span", "count", t.count);
    count.dataset.type = t.code;
    row.appendChild(count);
    box.addEventListener("change", function () { setActive(t.code, box.checked); });
    typeRows[t.code] = { row: row, box: box, count: count };
    $("claim-types").appendChild(row);
  });
  data.entityTypes.forEach(function (t) {
    var row = el("div", "type-row");
    var sym = el("span", "sym", t.symbol);
    sym.style.color = t.color;
    row.appendChild(sym);
    row.appendChild(el("span", "name", (t.zh ? t.zh + " " : "") + t.en));
    var count = el("span", "count", t.count);
    count.dataset.entityType = t.code;
    entityRows[t.code] = count;
    row.appendChild(count);
    $("entity-types").appendChild(row);
  });
  $("types-all").addEventListener("click", function () { setTypes(Object.keys(active)); });
  $("types-none").addEventListener("click", function () { setTypes([]); });

  /* ------------------------------------------------------------ tooltips */

  function nodeTip(id) {
    var e = entities[id];
    var tip = el("div");
    tip.appendChild(el("div", "tip-name", fullName(id)));
    tip.appendChild(el("div", "tip-row", entityTypeLabel(e.type)));
    var aliases = e.aliases.filter(function (a) { return a !== e.name; });
    if (aliases.length) {
      tip.appendChild(el("div", "tip-row", "aliases: " + aliases.slice(0, 12).join(" / ") +
        (aliases.length > 12 ? " …" : "")));
    }
    tip.appendChild(el("div", "tip-row", "mentions: " + e.mentions + " · claims made: " + e.made +
      " · about it: " + e.received));
    return tip;
  }
  function edgeTip(id) {
    var l = links[id];
    var tip = el("div");
    tip.appendChild(el("div", "tip-name", shortName(l.from) + " → " + shortName(l.to)));
    tip.appendChild(el("div", "tip-row", typeLabel(l.type) + " × " + l.count + " — click for the quotes"));
    return tip;
  }

  /* ------------------------------------------------------------ network */

  var nodes = new vis.DataSet(visNodes.map(function (n) {
    return Object.assign({}, n, { title: nodeTip(n.id) });
  }));
  // A big map laid out in Python draws its lines itself, a batch per colour and width (vis-network
  // strokes each line on its own: 0.2 s a frame for 9,000 lines); vis-network keeps them hidden, for
  // their geometry only.
  var batched = !!(options.physics && options.physics.enabled === false) && visEdges.length > 600;
  var edges = new vis.DataSet(visEdges.map(function (e) {
    return Object.assign({}, e, batched ? { hidden: true } : { title: edgeTip(e.id) });
  }));
  // Filters hide and show (vis-network's ``hidden``): nothing is removed, so no node moves, and what
  // comes back is drawn where it was.
  var visible = {};
  var shownLinks = {};
  var linkCounts = {};
  var shown = [];
  Object.keys(entities).forEach(function (id) { visible[id] = true; });
  data.links.forEach(function (l) { shownLinks[l.id] = true; linkCounts[l.id] = l.count; });
  var network = new vis.Network($("map"), { nodes: nodes, edges: edges }, options);

  var settled = false;
  network.on("stabilizationProgress", function (p) {
    $("loading-text").textContent = "Laying out the map… " + Math.round(100 * p.iterations / p.total) + "%";
  });
  var laidOut = !!(options.physics && options.physics.enabled === false);
  function done() {
    if (settled) return;
    if (laidOut) network.fit({ animation: false });
    network.setOptions({ physics: false });
    settled = true;
    api.settleMs = Math.round(performance.now() - t0);
    api.settledAt = Math.round(performance.now());  // since navigation began
    $("loading").hidden = true;
    readState();
    document.documentElement.dataset.settled = "true";
  }
  // A map laid out in Python comes without physics: it is drawn where it stands, at once.
  if (laidOut) network.once("afterDrawing", done);
  else network.once("stabilizationIterationsDone", done);

  var range = { from: null, to: null, undated: true };

  // A claim is on the map when its type is switched on, its date is in the range (undated claims when
  // they are asked for) and, with words in the search box, it is by or about an entity they name.
  var matched = null;  // entity id → true while the search box filters, else null
  function involves(cl) {
    return !matched || !!matched[cl.speaker] || cl.targets.some(function (t) { return matched[t]; });
  }
  function inRange(cl) {
    if (!cl.time) return range.undated;
    var day = cl.time.slice(0, 10);
    return !(range.from && day < range.from) && !(range.to && day > range.to);
  }
  function applyFilters() {
    shown = claims.map(function (cl) { return !!active[cl.type] && inRange(cl) && involves(cl); });
    var nodeOn = {};
    var edgeUpdates = [];
    var shownClaims = 0, statements = {}, docs = {}, linkTotal = 0;
    data.links.forEach(function (l) {
      var seen = {}, n = 0;
      l.claims.forEach(function (i) {
        if (shown[i] && !seen[claims[i].statement]) { seen[claims[i].statement] = true; n++; }
      });
      // A claim about two entities has two links; the search keeps those from or to one it names.
      var on = n > 0 && (!matched || !!matched[l.from] || !!matched[l.to]);
      if (on) { nodeOn[l.from] = true; nodeOn[l.to] = true; linkTotal++; }
      if (on !== !!shownLinks[l.id] || (on && n !== linkCounts[l.id])) {
        edgeUpdates.push(on ? { id: l.id, hidden: false, value: n } : { id: l.id, hidden: true });
      }
      shownLinks[l.id] = on;
      if (on) linkCounts[l.id] = n;
    });
    Object.keys(entities).forEach(function (id) { if (entities[id].focus) nodeOn[id] = true; });
    var nodeUpdates = [];
    Object.keys(entities).forEach(function (id) {
      if (!!nodeOn[id] !== !!visible[id]) nodeUpdates.push({ id: id, hidden: !nodeOn[id] });
    });
    visible = nodeOn;
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length && !batched) edges.update(edgeUpdates);
    if (batched) network.redraw();
    var perType = {};
    claims.forEach(function (cl, i) {
      if (inRange(cl) && involves(cl)) perType[cl.type] = (perType[cl.type] || 0) + 1;
      if (!shown[i]) return;
      shownClaims++;
      statements[cl.statement] = true;
      docs[cl.doc] = true;
    });
    Object.keys(typeRows).forEach(function (code) { typeRows[code].count.textContent = perType[code] || 0; });
    var perKind = {};
    Object.keys(visible).forEach(function (id) { perKind[entities[id].type] = (perKind[entities[id].type] || 0) + 1; });
    Object.keys(entityRows).forEach(function (code) { entityRows[code].textContent = perKind[code] || 0; });
    api.counts = {
      entities: Object.keys(visible).length,
      links: linkTotal,
      claims: shownClaims,
      statements: Object.keys(statements).length,
      documents: Object.keys(docs).length
    };
    drawSummary(api.counts);
    if (api.onFilter) api.onFilter();
    writeState();
  }
  // The most central entities are always named: when vis-network would not draw a name at this zoom
  // (too small), the page writes it, at a size the eye can read.
  var threshold = ((options.nodes.scaling || {}).label || {}).drawThreshold || 6;
  network.on("afterDrawing", function (ctx) {
    var scale = network.getScale();
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.font = "600 " + (13 / scale) + "px " + getComputedStyle(document.body).fontFamily;
    ctx.lineWidth = 4 / scale;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.92)";
    ctx.fillStyle = "#1d2530";
    var taken = [];
    data.labelled.forEach(function (id) {
      var n = network.body.nodes[id];
      if (!n || n.options.hidden || !visible[id]) return;
      var size = n.labelModule && n.labelModule.fontOptions ? n.labelModule.fontOptions.size : 14;
      if (size * scale >= threshold - 1) return;  // vis-network draws it
      var text = shortName(id);
      var y = n.y + (n.shape && n.shape.height ? n.shape.height / 2 : 10) + 2 / scale;
      // A name that would cover a more central one's is left for zooming in.
      var half = ctx.measureText(text).width / 2, box = [n.x - half, y, n.x + half, y + 15 / scale];
      if (taken.some(function (b) { return b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3]; })) return;
      taken.push(box);
      ctx.strokeText(text, n.x, y);
      ctx.fillText(text, n.x, y);
    });
    ctx.restore();
    api.frames = (api.frames || 0) + 1;
  });

  var geometry = {};
  function shape(id) {
    if (!geometry[id]) {
      var g = curve(id), to = network.body.nodes[links[id].to];
      if (!g) return null;
      g.r = to && to.shape ? Math.max(to.shape.width || 0, to.shape.height || 0) / 2 : 10;
      geometry[id] = g;
    }
    return geometry[id];
  }
  var range_ = { min: 1, max: 1 };
  function lineWidth(id) {
    var n = linkCounts[id] || 1;
    return range_.max > range_.min ? 1 + 7 * (n - range_.min) / (range_.max - range_.min) : 1;
  }
  network.on("dragging", function (p) { if (batched && p.nodes.length) geometry = {}; });
  // While the map is dragged, its lines wait (as vis-network's hideEdgesOnDrag does for its own): in a
  // browser without a GPU, rasterising 9,000 lines takes most of a frame.
  var panning = false;
  network.on("dragStart", function (p) { panning = !p.nodes.length; });
  network.on("dragEnd", function () { if (panning) { panning = false; network.redraw(); } });
  network.on("beforeDrawing", function (ctx) {
    if (!batched || (panning && options.interaction.hideEdgesOnDrag)) return;
    var w = $("map").clientWidth, h = $("map").clientHeight;
    var tl = network.DOMtoCanvas({ x: 0, y: 0 }), br = network.DOMtoCanvas({ x: w, y: h });
    var scale = network.getScale();
    var counts = data.links.filter(function (l) { return shownLinks[l.id]; }).map(function (l) { return linkCounts[l.id]; });
    range_ = { min: Math.min.apply(null, counts.concat([1])), max: Math.max.apply(null, counts.concat([1])) };
    var groups = {};
    data.links.forEach(function (l) {
      if (!shownLinks[l.id]) return;
      var g = shape(l.id);
      if (!g || Math.max(g.ax, g.bx, g.vx) < tl.x || Math.min(g.ax, g.bx, g.vx) > br.x ||
          Math.max(g.ay, g.by, g.vy) < tl.y || Math.min(g.ay, g.by, g.vy) > br.y) return;
      var key = l.color + "|" + Math.round(lineWidth(l.id) * 2) / 2;
      (groups[key] = groups[key] || []).push(g);
    });
    var selected = current && current.kind === "edge" ? current.id : null;
    ctx.save();
    ctx.globalAlpha = 0.8;
    ctx.lineCap = "round";
    Object.keys(groups).forEach(function (key) {
      var colour = key.split("|")[0], width = +key.split("|")[1];
      ctx.strokeStyle = colour;
      ctx.fillStyle = colour;
      ctx.lineWidth = width;
      ctx.beginPath();
      groups[key].forEach(function (g) { ctx.moveTo(g.ax, g.ay); ctx.quadraticCurveTo(g.vx, g.vy, g.bx, g.by); });
      ctx.stroke();
      // Arrowheads at the target's edge, one fill for the batch; too small to see when zoomed out.
      if (scale < 0.25) return;
      var size = 4 + 1.5 * width;
      ctx.beginPath();
      groups[key].forEach(function (g) {
        var len = Math.hypot(g.bx - g.ax, g.by - g.ay) || 1;
        var t = Math.max(0.5, 1 - (g.r + 1) / len);
        var px = (1 - t) * (1 - t) * g.ax + 2 * t * (1 - t) * g.vx + t * t * g.bx;
        var py = (1 - t) * (1 - t) * g.ay + 2 * t * (1 - t) * g.vy + t * t * g.by;
        var dx = 2 * (1 - t) * (g.vx - g.ax) + 2 * t * (g.bx - g.vx), dy = 2 * (1 - t) * (g.vy - g.ay) + 2 * t * (g.by - g.vy);
        var d = Math.hypot(dx, dy) || 1;
        dx /= d; dy /= d;
        ctx.moveTo(px, py);
        ctx.lineTo(px - size * dx - size * 0.5 * dy, py - size * dy + size * 0.5 * dx);
        ctx.lineTo(px - size * dx + size * 0.5 * dy, py - size * dy - size * 0.5 * dx);
        ctx.closePath();
      });
      ctx.fill();
    });
    if (selected && shownLinks[selected]) {
      var g = shape(selected);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = links[selected].color;
      ctx.lineWidth = lineWidth(selected) + 3 / scale;
      ctx.beginPath();
      ctx.moveTo(g.ax, g.ay);
      ctx.quadraticCurveTo(g.vx, g.vy, g.bx, g.by);
      ctx.stroke();
    }
    ctx.restore();
  });

  function setTypes(codes) {
    Object.keys(active).forEach(function (code) {
      var on = codes.indexOf(code) >= 0;
      active[code] = on;
      typeRows[code].box.checked = on;
      typeRows[code].row.classList.toggle("off", !on);
    });
    applyFilters();
    rerender();
  }
  function setActive(code, on) {
    setTypes(Object.keys(active).filter(function (c) { return c === code ? on : active[c]; }));
  }
  applyFilters();

  // vis-network picks the last edge whose rough outline holds the pointer (often a parallel or a
  // neighbouring one) and misses strongly curved ones: take the visible edge nearest to the pointer,
  // within a few pixels.
  function nearestEdge(p) {
    var best = null, bestD = Infinity, slack = 12 / network.getScale();
    data.links.forEach(function (l) {
      if (!shownLinks[l.id]) return;
      // A big map's curves are kept (``shape``): reading 9,000 of them from vis-network took 30 ms.
      var g = batched ? shape(l.id) : curve(l.id);
      if (!g) return;
      if (p.x < Math.min(g.ax, g.bx, g.vx) - slack || p.x > Math.max(g.ax, g.bx, g.vx) + slack ||
          p.y < Math.min(g.ay, g.by, g.vy) - slack || p.y > Math.max(g.ay, g.by, g.vy) + slack) return;
      var d = Infinity;
      for (var k = 0; k <= 64; k++) {
        var t = k / 64, u = 1 - t;
        var qx = u * u * g.ax + 2 * t * u * g.vx + t * t * g.bx, qy = u * u * g.ay + 2 * t * u * g.vy + t * t * g.by;
        d = Math.min(d, (qx - p.x) * (qx - p.x) + (qy - p.y) * (qy - p.y));
      }
      if (d < bestD) { bestD = d; best = l.id; }
    });
    var width = best ? (batched ? lineWidth(best) : network.body.edges[best].options.width || 1) : 0;
    return best !== null && Math.sqrt(bestD) * network.getScale() <= 6 + width ? best : null;
  }
  // An edge's quadratic curve as vis-network draws it now: its ends and the control point.
  function curve(id) {
    var o = network.body.edges[id];
    if (!o || !o.from || !o.to) return null;
    var a = o.edgeType.getPoint(0), b = o.edgeType.getPoint(1), m = o.edgeType.getPoint(0.5);
    return { ax: a.x, ay: a.y, bx: b.x, by: b.y, vx: 2 * m.x - (a.x + b.x) / 2, vy: 2 * m.y - (a.y + b.y) / 2 };
  }
  function hideTooltip() {
    var ih = network.interactionHandler;
    if (ih && ih.popup) { ih.popup.hide(); ih.popupObj = undefined; }
    hideLineTip();
  }
  // A big map's lines are hidden from vis-network, which so shows no tooltip for them: when the pointer
  // rests on the map with no button down, the line a click there would open gets one here. It is looked
  // for once a rest, as a click looks for it, so dragging and zooming pay nothing for it.
  var lineTip = el("div");
  lineTip.id = "line-tip";
  lineTip.hidden = true;
  document.body.appendChild(lineTip);
  var resting = null;
  function hideLineTip() {
    clearTimeout(resting);
    if (!lineTip.hidden) lineTip.hidden = true;
  }
  function showLineTip(x, y) {
    if (clickedAt) return;  // the pointer has not moved since a click (see below)
    var box = $("map").getBoundingClientRect(), dom = { x: x - box.left, y: y - box.top };
    if (network.getNodeAt(dom) !== undefined) return;  // an entity's own tooltip
    var id = nearestEdge(network.DOMtoCanvas(dom));
    if (id === null) return;
    lineTip.textContent = "";
    lineTip.appendChild(edgeTip(id));
    lineTip.dataset.edge = id;
    lineTip.hidden = false;
    lineTip.style.left = Math.max(4, Math.min(x + 12, innerWidth - lineTip.offsetWidth - 4)) + "px";
    lineTip.style.top = Math.max(4, Math.min(y + 14, innerHeight - lineTip.offsetHeight - 4)) + "px";
  }
  if (batched) {
    $("map").addEventListener("pointermove", function (ev) {
      hideLineTip();
      if (ev.buttons) return;
      resting = setTimeout(showLineTip, 150, ev.clientX, ev.clientY);
    });
    ["pointerleave", "pointerdown", "wheel"].forEach(function (type) {
      $("map").addEventListener(type, hideLineTip, { passive: true });
    });
  }

  // After a click the pointer rests where it was, and Chromium sends it a mousemove when the panel opens
  // and the page's layout changes under it: vis-network would then show the tooltip of whatever it finds
  // there (a neighbouring line, not the one clicked). No tooltip until the pointer really moves.
  var clickedAt = null;
  $("map").addEventListener("pointermove", function (ev) {
    if (clickedAt && Math.hypot(ev.clientX - clickedAt.x, ev.clientY - clickedAt.y) > 4) clickedAt = null;
  });
  network.on("showPopup", function () {
    if (clickedAt) hideTooltip();
  });

  network.on("click", function (params) {
    var box = $("map").getBoundingClientRect();
    clickedAt = { x: box.left + params.pointer.DOM.x, y: box.top + params.pointer.DOM.y };
    hideTooltip();
    var edge = params.nodes.length ? null : nearestEdge(params.pointer.canvas) || params.edges[0];
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (edge) {
      if (params.edges[0] !== edge) network.selectEdges([edge]);
      showEdge(edge);
    } else closePanel();
  });
  $("zoom-in").addEventListener("click", function () { network.moveTo({ scale: network.getScale() * 1.3 }); });
  $("zoom-out").addEventListener("click", function () { network.moveTo({ scale: network.getScale() / 1.3 }); });
  $("zoom-fit").addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });

  /* ------------------------------------------------------------ claims in the panel */

  // Python offsets count code points; JavaScript strings count UTF-16 units: work on code point arrays.
  function segment(parent, chars, from, to, ranges, display) {
    var cuts = [from, to];
    ranges.forEach(function (r) {
      if (r.s > from && r.s < to) cuts.push(r.s);
      if (r.e > from && r.e < to) cuts.push(r.e);
    });
    cuts = cuts.filter(function (x, i, a) { return a.indexOf(x) === i; }).sort(function (a, b) { return a - b; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1];
      var text = chars.slice(a, b).join("");
      if (display) text = display(text);
      var classes = [];
      ranges.forEach(function (r) {
        if (r.s <= a && r.e >= b && classes.indexOf(r.cls) < 0) classes.push(r.cls);
      });
      if (!classes.length) { parent.appendChild(document.createTextNode(text)); continue; }
      var isMark = classes.some(function (x) { return x !== "cue-word"; });
      var node = el(isMark ? "mark" : "span", classes.join(" "), text);
      parent.appendChild(node);
    }
  }
  function flat(text) {
    return text.replace(/\r/g, " ").replace(/\n/g, "↵").replace(/\t/g, " ");
  }

  function context(cl, highlight, speaker) {
    var chars = Array.from(cl.window);
    var ranges = [];
    Object.keys(cl.marks).forEach(function (id) {
      var cls = id === speaker ? "speaker" : highlight.indexOf(id) >= 0 ? "target" : null;
      if (!cls) return;
      cl.marks[id].forEach(function (r) { ranges.push({ s: r[0], e: r[1], cls: cls }); });
    });
    if (cl.cueRange) ranges.push({ s: cl.cueRange[0], e: cl.cueRange[1], cls: "cue-word" });
    var p = el("p", "ctx");
    if (cl.ws > 0) p.appendChild(document.createTextNode("…"));
    segment(p, chars, 0, cl.qs, ranges, flat);
    var quote = el("span", "quote");
    quote.dataset.start = cl.start;
    quote.dataset.end = cl.end;
    segment(quote, chars, cl.qs, cl.qe, ranges, null);
    p.appendChild(quote);
    segment(p, chars, cl.qe, chars.length, ranges, flat);
    if (cl.clipped) p.appendChild(document.createTextNode("…"));
    return p;
  }

  function claimView(index, highlight) {
    var cl = claims[index];
    var art = el("article", "claim");
    art.dataset.claim = String(index);
    art.dataset.doc = cl.doc;
    var head = el("div", "claim-head");
    var badge = el("span", "badge", typeLabel(cl.type));
    badge.style.background = typeColor(cl.type);
    head.appendChild(badge);
    var who = el("span", "who", shortName(cl.speaker) + " → " + cl.targets.map(shortName).join("、"));
    head.appendChild(who);
    if (cl.cue) {
      var cue = el("span", "cue", "cue ");
      cue.appendChild(el("b", null, cl.cue));
      if (cl.cueStart !== null && cl.cueStart !== undefined) {
        cue.appendChild(el("span", "offsets", " [" + cl.cueStart + ", " + cl.cueEnd + ")"));
      }
      head.appendChild(cue);
    }
    var copy = el("button", "copy", "copy citation");
    copy.type = "button";
    copy.title = "Copy the quote with its speaker, date, outlet, document, offsets and web address";
    copy.addEventListener("click", function () {
      copyText(citation(index)).then(function () {
        copy.textContent = "copied ✓";
        setTimeout(function () { copy.textContent = "copy citation"; }, 1500);
      });
    });
    head.appendChild(copy);
    art.appendChild(head);
    art.appendChild(context(cl, highlight, cl.speaker));
    var src = el("div", "src");
    var info = data.documents[cl.doc] || {};
    var doc = el("span", "doc", info.title ? info.title + " · " + cl.doc : cl.doc);
    doc.title = cl.doc;
    src.appendChild(doc);
    if (info.outlet) src.appendChild(el("span", "outlet", info.outlet));
    if (!cl.time && info.published) src.appendChild(el("span", "time", info.published.replace("T", " ")));
    if (info.url && /^https?:\/\//i.test(info.url)) {
      var link = el("a", "url", "source ↗");
      link.href = info.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      src.appendChild(link);
    }
    if (cl.post !== null && cl.post !== undefined) {
      src.appendChild(el("span", "post", "floor " + cl.post + " (" + cl.post + "楼)" + (cl.poster ? " · " + cl.poster : "")));
    }
    if (cl.time) src.appendChild(el("span", "time", cl.time.replace("T", " ")));
    src.appendChild(el("span", "offsets", "[" + cl.start + ", " + cl.end + ")"));
    if (cl.quote) src.appendChild(el("span", "kind", cl.quote === "direct" ? "direct quote" : cl.quote));
    art.appendChild(src);
    return art;
  }

  /* ------------------------------------------------------------ citations and CSV */

  function when(cl) {
    var info = data.documents[cl.doc] || {};
    return (cl.time || info.published || "").replace("T", " ");
  }
  // “quote” — speaker, date. Outlet, 《title》. document, floor, characters [start, end). URL
  function citation(i) {
    var cl = claims[i], info = data.documents[cl.doc] || {};
    var out = "“" + cl.text + "” — " + fullName(cl.speaker) + (when(cl) ? ", " + when(cl) : "") + ".";
    var source = [];
    if (info.outlet) source.push(info.outlet);
    if (info.title) source.push("《" + info.title + "》");
    if (source.length) out += " " + source.join(", ") + ".";
    out += " " + cl.doc + (cl.post !== null && cl.post !== undefined ? ", floor " + cl.post : "") +
      ", characters [" + cl.start + ", " + cl.end + ")";
    if (info.url && /^https?:\/\//i.test(info.url)) out += ". " + info.url;
    return out;
  }
  function copyText(text) {
    api.copied = text;
    function fallback() {
      var area = el("textarea");
      area.value = text;
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); } catch (e) { /* nothing more to try offline */ }
      area.remove();
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(fallback);
    }
    fallback();
    return Promise.resolve();
  }
  var CSV = ["type", "speaker", "speaker_id", "targets", "target_ids", "cue", "cue_start", "cue_end", "quote",
    "context", "date", "document", "title", "outlet", "published", "url", "floor", "poster", "start", "end",
    "direct", "statement"];
  function csvCell(v) {
    v = v === null || v === undefined ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(v)) v = "'" + v;  // a spreadsheet would run it as a formula
    return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  function csvOf(indexes) {
    var rows = [CSV.join(",")];
    indexes.forEach(function (i) {
      var cl = claims[i], info = data.documents[cl.doc] || {};
      rows.push([cl.type, fullName(cl.speaker), cl.speaker, cl.targets.map(fullName).join("; "),
        cl.targets.join("; "), cl.cue, cl.cueStart, cl.cueEnd, cl.text, cl.window, cl.time || "", cl.doc,
        info.title, info.outlet, info.published, info.url, cl.post, cl.poster, cl.start, cl.end,
        cl.quote === "direct" ? "yes" : "no", cl.statement].map(csvCell).join(","));
    });
    return rows.join("\r\n") + "\r\n";
  }
  function download(name, indexes) {
    var text = csvOf(indexes);
    api.exported = { name: name, text: text };
    var a = el("a");
    a.href = "data:text/csv;charset=utf-8," + encodeURIComponent("\ufeff" + text);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  $("export-csv").addEventListener("click", function () { download("claims.csv", shownIndexes()); });
  $("panel-csv").addEventListener("click", function () { download("claims-selected.csv", panelList); });
  function shownIndexes() {
    var out = [];
    shown.forEach(function (on, i) { if (on) out.push(i); });
    return out;
  }

  var panelList = [];
  function listClaims(parent, indexes, highlight) {
    var done = 0;
    panelList = panelList.concat(indexes);
    function more() {
      var stop = Math.min(indexes.length, done + PAGE);
      for (; done < stop; done++) parent.appendChild(claimView(indexes[done], highlight));
      if (done < indexes.length) {
        var btn = el("button", "more", "Show " + Math.min(PAGE, indexes.length - done) + " more of " +
          (indexes.length - done));
        btn.type = "button";
        btn.addEventListener("click", function () { btn.remove(); more(); });
        parent.appendChild(btn);
      }
    }
    more();
  }

  var current = null;
  function onSelect() { writeState(); }
  function openPanel(title, sub) {
    $("panel-title").textContent = title;
    var s = $("panel-sub");
    s.textContent = "";
    sub.forEach(function (x) { s.appendChild(typeof x === "string" ? document.createTextNode(x) : x); });
    var body = $("panel-body");
    body.textContent = "";
    body.scrollTop = 0;
    panelList = [];
    Object.keys(body.dataset).forEach(function (k) { delete body.dataset[k]; });
    if ($("panel").hidden) {
      $("panel").hidden = false;
      resized(true);
    }
    return body;
  }
  function closePanel() {
    current = null;
    network.unselectAll();
    if (!$("panel").hidden) {
      $("panel").hidden = true;
      resized(false);
    }
    onSelect();
  }
  // On a wide screen the panel takes its width from the map rather than covering it.
  function resized(open) {
    document.body.classList.toggle("panel-open", open);
    network.setSize("100%", "100%");
    network.redraw();
  }
  $("panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && ev.target !== $("search")) closePanel();
  });

  function showEdge(id) {
    var l = links[id];
    if (!l) return;
    current = { kind: "edge", id: id };
    onSelect();
    var badge = el("span", "badge", typeLabel(l.type));
    badge.style.background = l.color;
    var list = l.claims.filter(function (i) { return shown[i]; });
    var body = openPanel(fullName(l.from) + " → " + fullName(l.to),
      [badge, " " + plural(list.length, "claim")]);
    body.dataset.edge = id;
    var both = pairClaims(l.from, l.to).length;
    if (both > list.length) {
      var all = el("button", "pair", "All " + both + " claims between " + shortName(l.from) + " and " +
        shortName(l.to) + ", both ways, by type");
      all.type = "button";
      all.addEventListener("click", function () { showPair(l.from, l.to); });
      body.appendChild(all);
    }
    listClaims(body, list, [l.to]);
  }

  function pairClaims(a, b) {
    return shownIndexes().filter(function (i) {
      var cl = claims[i];
      return (cl.speaker === a && cl.targets.indexOf(b) >= 0) || (cl.speaker === b && cl.targets.indexOf(a) >= 0);
    });
  }
  // Everything between two entities: both directions, grouped by claim type.
  function showPair(a, b) {
    if (!entities[a] || !entities[b]) return;
    current = { kind: "pair", a: a, b: b };
    onSelect();
    var list = pairClaims(a, b);
    var body = openPanel(fullName(a) + " ⇄ " + fullName(b), [plural(list.length, "claim") + ", both ways"]);
    body.dataset.pair = a + "|" + b;
    data.claimTypes.forEach(function (t) {
      var group = list.filter(function (i) { return claims[i].type === t.code; });
      if (!group.length) return;
      var ab = group.filter(function (i) { return claims[i].speaker === a; }).length;
      var h = el("h3", "group");
      var badge = el("span", "badge", typeLabel(t.code));
      badge.style.background = t.color;
      h.appendChild(badge);
      h.appendChild(document.createTextNode(" " + shortName(a) + " → " + shortName(b) + " " + ab + " · " +
        shortName(b) + " → " + shortName(a) + " " + (group.length - ab)));
      body.appendChild(h);
      var section = el("section", "pair-group");
      section.dataset.type = t.code;
      body.appendChild(section);
      listClaims(section, group, [a, b]);
    });
  }

  function showNode(id) {
    var e = entities[id];
    if (!e) return;
    current = { kind: "node", id: id };
    onSelect();
    var body = openPanel(fullName(id), [entityTypeLabel(e.type)]);
    body.dataset.node = id;
    var facts = el("div", "facts");
    var aliases = e.aliases.filter(function (a) { return a !== e.name; });
    facts.appendChild(el("div", null, "mentions: " + e.mentions + (aliases.length ? " · aliases: " + aliases.join(" / ") : "")));
    body.appendChild(facts);
    var said = [], about = [];
    claims.forEach(function (cl, i) {
      if (!shown[i]) return;
      if (cl.speaker === id) said.push(i);
      if (cl.targets.indexOf(id) >= 0) about.push(i);
    });
    var h1 = el("h3", null, "Said by " + shortName(id) + " (" + said.length + ")");
    body.appendChild(h1);
    var s1 = el("section", "said");
    body.appendChild(s1);
    listClaims(s1, said, []);
    body.appendChild(el("h3", null, "About " + shortName(id) + " (" + about.length + ")"));
    var s2 = el("section", "about");
    body.appendChild(s2);
    listClaims(s2, about, [id]);
    var others = {};
    said.concat(about).forEach(function (i) {
      var cl = claims[i];
      (cl.speaker === id ? cl.targets : [cl.speaker]).forEach(function (o) { if (o !== id) others[o] = (others[o] || 0) + 1; });
    });
    var top = Object.keys(others).sort(function (x, y) { return others[y] - others[x] || (x < y ? -1 : 1); });
    if (top.length) {
      var with_ = el("div", "with");
      with_.appendChild(el("span", "hint", "Between " + shortName(id) + " and: "));
      top.slice(0, 15).forEach(function (o) {
        var b = el("button", "chip", shortName(o) + " " + others[o]);
        b.type = "button";
        b.dataset.node = o;
        b.addEventListener("click", function () { showPair(id, o); });
        with_.appendChild(b);
      });
      body.insertBefore(with_, h1);
    }
  }

  function rerender() {
    if (!current) return;
    if (current.kind === "edge") {
      if (shownLinks[current.id]) showEdge(current.id);
      else closePanel();
    } else if (current.kind === "pair") {
      showPair(current.a, current.b);
    } else {
      showNode(current.id);
    }
  }

  /* ------------------------------------------------------------ search */

  function norm(s) {
    return s.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
  }
  var ids = Object.keys(entities);
  var hits = [];
  var cursor = 0;
  // Every entity one of whose names or aliases holds the words, the best first (the whole name, its
  // start, anywhere; then the most central).
  function matching(q) {
    q = norm(q);
    if (!q) return [];
    var found = [];
    ids.forEach(function (id) {
      var best = 9;
      entities[id].keys.forEach(function (k) {
        var score = k === q ? 0 : k.indexOf(q) === 0 ? 1 : k.indexOf(q) > 0 ? 2 : 9;
        if (score < best) best = score;
      });
      if (best < 9) found.push({ id: id, score: best });
    });
    found.sort(function (a, b) {
      return a.score - b.score || entities[b.id].centrality - entities[a.id].centrality ||
        (a.id < b.id ? -1 : 1);
    });
    return found.map(function (x) { return x.id; });
  }
  function search(q) { return matching(q).slice(0, 12); }
  // The words in the box filter the map like the claim types and dates: hidden, never moved.
  function useQuery(text) {
    searchText = (text || "").trim();
    matched = searchText ? {} : null;
    matching(searchText).forEach(function (id) { matched[id] = true; });
  }
  function setQuery(text) {
    if ((text || "").trim() === searchText) return;
    useQuery(text);
    applyFilters();
    rerender();
  }
  function drawMatches() {
    var ul = $("matches");
    ul.textContent = "";
    ul.hidden = !hits.length;
    hits.forEach(function (id, i) {
      var e = entities[id];
      var li = el("li", i === cursor ? "active" : "");
      li.dataset.node = id;
      var sym = el("span", "sym", entityInfo[e.type] ? entityInfo[e.type].symbol : "●");
      sym.style.color = entityInfo[e.type] ? entityInfo[e.type].color : "#5f6b7a";
      li.appendChild(sym);
      li.appendChild(el("span", "label", fullName(id)));
      if (!visible[id]) li.appendChild(el("span", "alias", "(hidden by filters)"));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(id); });
      ul.appendChild(li);
    });
  }
  function pick(id) {
    hits = [];
    drawMatches();
    $("search").blur();
    focusNode(id);
  }
  function focusNode(id) {
    if (visible[id]) {
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: { duration: 400 } });
    }
    showNode(id);
  }
  $("search").addEventListener("input", function (ev) {
    setQuery(ev.target.value);
    hits = search(ev.target.value);
    cursor = 0;
    drawMatches();
  });
  $("search").addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!hits.length) return;
      cursor = (cursor + (ev.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length;
      drawMatches();
      ev.preventDefault();
    } else if (ev.key === "Enter" && hits.length) {
      pick(hits[cursor]);
    } else if (ev.key === "Escape") {
      hits = [];
      drawMatches();
    }
  });
  $("search").addEventListener("blur", function () { hits = []; drawMatches(); });

  /* ------------------------------------------------------------ the view in the URL's fragment */

  // #types=accusation,denial&from=2025-01-01&to=2025-01-31&undated=0&q=美国&sel=pair:a|b&view=x,y,scale
  // A link or a bookmark reopens the same view of the same file, offline.
  var restoring = false;
  function stateString() {
    var q = [];
    var on = Object.keys(active).filter(function (c) { return active[c]; });
    if (on.length !== Object.keys(active).length) q.push(["types", on.join(",")]);
    if (range.from) q.push(["from", range.from]);
    if (range.to) q.push(["to", range.to]);
    if (!range.undated) q.push(["undated", "0"]);
    if (searchText) q.push(["q", searchText]);
    if (current) {
      q.push(["sel", current.kind === "pair" ? "pair:" + current.a + "|" + current.b : current.kind + ":" + current.id]);
    }
    if (settled) {
      var at = network.getViewPosition();
      q.push(["view", [Math.round(at.x), Math.round(at.y), network.getScale().toFixed(3)].join(",")]);
    }
    return q.map(function (kv) { return kv[0] + "=" + encodeURIComponent(kv[1]); }).join("&");
  }
  function writeState() {
    if (!settled || restoring) return;
    var hash = stateString();
    if (("#" + hash) === location.hash || (!hash && !location.hash)) return;
    try {
      history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
    } catch (e) {
      location.hash = hash;
    }
  }
  function readState() {
    var q = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) q[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1));
    });
    restoring = true;
    try {
      range.from = /^\d{4}-\d{2}-\d{2}$/.test(q.from || "") ? q.from : null;
      range.to = /^\d{4}-\d{2}-\d{2}$/.test(q.to || "") ? q.to : null;
      range.undated = q.undated !== "0";
      $("search").value = q.q || "";
      useQuery(q.q);
      setTypes(q.types === undefined ? Object.keys(active) : q.types.split(","));
      var sel = q.sel || "";
      var kind = sel.slice(0, sel.indexOf(":")), id = sel.slice(sel.indexOf(":") + 1);
      if (kind === "node" && entities[id]) { network.selectNodes([id]); showNode(id); }
      else if (kind === "edge" && links[id] && shownLinks[id]) { network.selectEdges([id]); showEdge(id); }
      else if (kind === "pair") showPair(id.split("|")[0], id.split("|").slice(1).join("|"));
      else if (current) closePanel();
      var view = (q.view || "").split(",").map(Number);
      if (view.length === 3 && view.every(isFinite) && view[2] > 0) {
        network.moveTo({ position: { x: view[0], y: view[1] }, scale: view[2] });
      }
    } finally {
      restoring = false;
    }
    if (api.onRange) api.onRange();
  }
  window.addEventListener("hashchange", function () { if (location.hash.slice(1) !== stateString()) readState(); });
  var viewTimer = null;
  function viewMoved() {
    clearTimeout(viewTimer);
    viewTimer = setTimeout(writeState, 150);
  }
  network.on("dragEnd", viewMoved);
  network.on("zoom", viewMoved);
  network.on("animationFinished", viewMoved);

  function setRange(from, to, undated) {
    range.from = from || null;
    range.to = to || null;
    if (undated !== undefined) range.undated = !!undated;
    applyFilters();
    rerender();
    if (api.onRange) api.onRange();
  }

  /* ------------------------------------------------------------ timeline */

  // Claims per day, week or month, stacked by type; drag across it to show only those dates on the map.
  // Dates are days as written (YYYY-MM-DD, the claim's post time or its document's date).
  var chart = $("tl-chart");
  var SVG = chart.namespaceURI;  // the page names no address, not even a namespace's
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function utc(day) { return Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)); }
  function iso(ms) { return new Date(ms).toISOString().slice(0, 10); }
  var DAY = 86400000;
  function bucketStart(day, period) {
    if (period === "month") return day.slice(0, 8) + "01";
    if (period === "week") { var t = utc(day); return iso(t - ((new Date(t).getUTCDay() + 6) % 7) * DAY); }
    return day;
  }
  function bucketNext(start, period) {
    if (period === "month") {
      var y = +start.slice(0, 4), m = +start.slice(5, 7);
      return iso(Date.UTC(m === 12 ? y + 1 : y, m === 12 ? 0 : m, 1));
    }
    return iso(utc(start) + (period === "week" ? 7 : 1) * DAY);
  }
  function bucketEnd(start, period) { return iso(utc(bucketNext(start, period)) - DAY); }
  var days = claims.filter(function (cl) { return cl.time; }).map(function (cl) { return cl.time.slice(0, 10); }).sort();
  var undatedCount = claims.length - days.length;
  var buckets = [];
  var period = "day";
  function drawTimeline() {
    chart.textContent = "";
    var w = chart.clientWidth || 800, h = chart.clientHeight || 90, bottom = 14;
    $("tl-undated").querySelector(".count").textContent = String(undatedCount);
    $("tl-clear").hidden = !(range.from || range.to);
    $("tl-range").textContent = "";
    if (range.from || range.to) {
      $("tl-range").appendChild(el("b", null, (range.from || "…") + " – " + (range.to || "…")));
    } else {
      $("tl-range").textContent = days.length ? "drag across the bars to pick dates" : "no dated claims";
    }
    if (!days.length) return;
    var chosen = $("tl-period").value;
    var span = (utc(days[days.length - 1]) - utc(days[0])) / DAY;
    period = chosen !== "auto" ? chosen : span <= 62 ? "day" : span <= 730 ? "week" : "month";
    buckets = [];
    var index = {};
    for (var b = bucketStart(days[0], period), last = bucketStart(days[days.length - 1], period); b <= last;
      b = bucketNext(b, period)) {
      index[b] = buckets.length;
      buckets.push({ start: b, end: bucketEnd(b, period), types: {}, total: 0 });
    }
    claims.forEach(function (cl) {
      if (!cl.time || !active[cl.type] || !involves(cl)) return;
      var k = buckets[index[bucketStart(cl.time.slice(0, 10), period)]];
      k.types[cl.type] = (k.types[cl.type] || 0) + 1;
      k.total++;
    });
    var top = Math.max.apply(null, buckets.map(function (k) { return k.total; }).concat([1]));
    var bw = w / buckets.length;
    chart.setAttribute("viewBox", "0 0 " + w + " " + h);
    buckets.forEach(function (k, i) {
      var g = svg("g", { "data-start": k.start, "data-end": k.end, "data-count": k.total });
      var inside = !(range.from && k.end < range.from) && !(range.to && k.start > range.to);
      if (!inside) g.setAttribute("class", "out");
      var y = h - bottom;
      data.claimTypes.forEach(function (t) {
        var n = k.types[t.code];
        if (!n) return;
        var bh = n / top * (h - bottom - 4);
        y -= bh;
        g.appendChild(svg("rect", { x: i * bw + Math.min(1, bw * 0.1), y: y, width: Math.max(1, bw - Math.min(2, bw * 0.2)),
          height: bh, fill: t.color }));
      });
      var title = svg("title");
      title.textContent = (period === "day" ? k.start : k.start + " – " + k.end) + ": " + plural(k.total, "claim");
      g.appendChild(title);
      g.appendChild(svg("rect", { x: i * bw, y: 0, width: bw, height: h - bottom, fill: "transparent" }));
      chart.appendChild(g);
    });
    var ticks = Math.max(1, Math.ceil(buckets.length / Math.max(1, Math.floor(w / 90))));
    buckets.forEach(function (k, i) {
      if (i % ticks) return;
      var label = svg("text", { x: i * bw + 1, y: h - 3 });
      label.textContent = period === "month" ? k.start.slice(0, 7) : k.start.slice(5);
      if (i === 0) label.textContent = period === "month" ? k.start.slice(0, 7) : k.start;
      chart.appendChild(label);
    });
  }
  var brush = null;
  function bucketAt(ev) {
    var box = chart.getBoundingClientRect();
    var i = Math.floor((ev.clientX - box.left) / box.width * buckets.length);
    return Math.max(0, Math.min(buckets.length - 1, i));
  }
  chart.addEventListener("pointerdown", function (ev) {
    if (!buckets.length) return;
    brush = { from: bucketAt(ev), to: bucketAt(ev), rect: null };
    chart.setPointerCapture(ev.pointerId);
    ev.preventDefault();
  });
  chart.addEventListener("pointermove", function (ev) {
    if (!brush) return;
    brush.to = bucketAt(ev);
    var w = chart.clientWidth, h = chart.clientHeight, bw = w / buckets.length;
    if (!brush.rect) { brush.rect = svg("rect", { class: "brush" }); chart.appendChild(brush.rect); }
    var a = Math.min(brush.from, brush.to), b = Math.max(brush.from, brush.to);
    brush.rect.setAttribute("x", a * bw);
    brush.rect.setAttribute("y", 0);
    brush.rect.setAttribute("width", (b - a + 1) * bw);
    brush.rect.setAttribute("height", h - 14);
  });
  chart.addEventListener("pointerup", function (ev) {
    if (!brush) return;
    brush.to = bucketAt(ev);
    var a = Math.min(brush.from, brush.to), b = Math.max(brush.from, brush.to);
    brush = null;
    setRange(buckets[a].start, buckets[b].end);
  });
  $("tl-clear").addEventListener("click", function () { setRange(null, null); });
  $("tl-period").addEventListener("change", drawTimeline);
  var undatedBox = $("tl-undated").querySelector("input");
  undatedBox.addEventListener("change", function () { setRange(range.from, range.to, undatedBox.checked); });
  api.onRange = function () { undatedBox.checked = range.undated; drawTimeline(); };
  var drawnTypes = "";
  api.onFilter = function () {
    var key = Object.keys(active).filter(function (c) { return active[c]; }).join() + "|" + searchText;
    if (key !== drawnTypes) { drawnTypes = key; drawTimeline(); }
  };
  window.addEventListener("resize", drawTimeline);
  drawTimeline();

  Object.assign(api, {
    buckets: function () { return buckets; },
    setRange: setRange,
    range: function () { return { from: range.from, to: range.to, undated: range.undated }; },
    readState: readState,
    network: network,
    nodes: nodes,
    edges: edges,
    shownNodes: function () { return nodes.getIds({ filter: function (n) { return !n.hidden; } }); },
    shownEdges: function () { return data.links.filter(function (l) { return shownLinks[l.id]; }).map(function (l) { return l.id; }); },
    shownClaims: function () { return claims.map(function (_, i) { return i; }).filter(function (i) { return shown[i]; }); },
    applyFilters: applyFilters,
    nearestEdge: nearestEdge,
    data: data,
    showEdge: showEdge,
    showPair: showPair,
    citation: citation,
    csvOf: csvOf,
    showNode: showNode,
    focusNode: focusNode,
    search: search,
    setQuery: setQuery,
    setTypes: setTypes,
    isSettled: function () { return settled; }
  });
})();
