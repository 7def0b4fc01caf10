/* eventwire web app: charts, map, network and review form, hand-written SVG (no library, no CDN).
 * Data comes from the JSON API of the same server. Text from the data is only ever inserted with
 * textContent or as SVG attribute values, never as HTML. */
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict", 0: "no QuadClass"};

function el(tag, attrs, parent) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}
function html(tag, text, parent, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}
function title(node, text) { el("title", {}, node).textContent = text; }
async function getJSON(url) {
  const r = await fetch(url, {headers: {"Accept": "application/json"}});
  if (!r.ok) throw new Error(url + ": HTTP " + r.status);
  return r.json();
}
function niceStep(v) {  // a step of 1, 2 or 5 x 10^k, at least 1, giving about 4 ticks up to v
  const raw = Math.max(v / 4, 1), p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/* ---------------------------------------------------------------- write token from the URL fragment
 * `eventwire serve --write` prints http://127.0.0.1:8000/#token=...: the fragment never reaches the
 * server or its logs; keep it for this tab only and remove it from the address bar. */
(function tokenFromHash() {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem("eventwire-token", decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
})();

/* ---------------------------------------------------------------- dashboard: events per day by QuadClass */
async function dailyChart(box) {
  let rows;  // [{day, q1..q4, q0, total}], sorted by day
  try { rows = await getJSON(box.dataset.src); } catch (e) { html("p", "Could not load the chart: " + e.message, box, "error"); return; }
  const day = s => new Date(s + "T00:00:00Z");
  const iso = d => d.toISOString().slice(0, 10);
  // events dated long before or after the articles' period (background: "since 2001", "in the 1990s")
  // would squash the chart: they are left out, counted and linked (data-from/data-to: the articles'
  // first and last publication day; a month of margin on each side)
  const out = {before: 0, after: 0};
  let lo = null, hi = null;
  if (box.dataset.from && box.dataset.to) {
    lo = day(box.dataset.from); lo.setUTCDate(lo.getUTCDate() - 31);
    hi = day(box.dataset.to); hi.setUTCDate(hi.getUTCDate() + 31);
    rows = rows.filter(r => {
      const d = day(r.day);
      if (d < lo) { out.before += r.total; return false; }
      if (d > hi) { out.after += r.total; return false; }
      return true;
    });
  }
  box.dataset.outside = String(out.before + out.after);
  function outsideNote() {
    if (!out.before && !out.after) return;
    const p = html("p", null, box, "hint outside");
    const what = box.dataset.what || "events";
    p.appendChild(document.createTextNode("Not drawn: "));
    const link = (n, text, param, d) => {
      const a = html("a", `${n} ${n === 1 ? what.replace(/s$/, "") : what} ${text}`, p);
      const q = new URLSearchParams((box.dataset.events || "/events?").split("?")[1] || "");
      q.set(param, iso(d));
      a.href = "/events?" + q.toString();
    };
    const before = new Date(lo); before.setUTCDate(before.getUTCDate() - 1);
    const after = new Date(hi); after.setUTCDate(after.getUTCDate() + 1);
    if (out.before) link(out.before, `dated before ${iso(lo)}`, "date_to", before);
    if (out.before && out.after) p.appendChild(document.createTextNode(", "));
    if (out.after) link(out.after, `dated later than ${iso(hi)}`, "date_from", after);
    p.appendChild(document.createTextNode(
      ` (outside the articles' period ${box.dataset.from} – ${box.dataset.to}: dates the text gives, such as background ("since 2001") or plans ("next year")).`));
  }
  if (!rows.length) { html("p", "No dated events" + (out.before + out.after ? " in the articles' period." : "."), box, "empty"); outsideNote(); box.dataset.ready = "1"; return; }
  // fill missing days; bucket by week or month when the range is long
  const first = day(rows[0].day), last = day(rows[rows.length - 1].day);
  const span = Math.round((last - first) / 864e5) + 1;
  const unit = span > 1100 ? "month" : span > 200 ? "week" : "day";
  const keyOf = d => {
    if (unit === "month") return d.toISOString().slice(0, 7);
    if (unit === "week") { const w = new Date(d); w.setUTCDate(w.getUTCDate() - ((w.getUTCDay() + 6) % 7)); return w.toISOString().slice(0, 10); }
    return d.toISOString().slice(0, 10);
  };
  const buckets = new Map();
  for (let d = new Date(first); d <= last; d.setUTCDate(d.getUTCDate() + 1)) {
    const k = keyOf(d);
    if (!buckets.has(k)) buckets.set(k, {key: k, q1: 0, q2: 0, q3: 0, q4: 0, q0: 0, total: 0});
  }
  for (const r of rows) {
    const b = buckets.get(keyOf(day(r.day)));
    for (const q of ["q1", "q2", "q3", "q4", "q0", "total"]) b[q] += r[q];
  }
  const data = [...buckets.values()];
  const W = Math.max(box.clientWidth - 12, 320), H = 240, m = {l: 36, r: 10, t: 10, b: 40};
  const svg = el("svg", {viewBox: `0 0 ${W} ${H}`, width: W, height: H}, box);
  const step = niceStep(Math.max(...data.map(d => d.total)));
  const ymax = Math.max(step, Math.ceil(Math.max(...data.map(d => d.total)) / step) * step);
  const iw = W - m.l - m.r, ih = H - m.t - m.b, bw = iw / data.length;
  const y = v => m.t + ih - (v / ymax) * ih;
  const ax = el("g", {class: "axis"}, svg);
  for (let v = 0; v <= ymax; v += step) {
    el("line", {x1: m.l, x2: W - m.r, y1: y(v), y2: y(v), stroke: "#eceef1"}, ax);
    const t = el("text", {x: m.l - 5, y: y(v) + 4, "text-anchor": "end"}, ax); t.textContent = v.toLocaleString("en");
  }
  const every = Math.max(1, Math.ceil(data.length / Math.floor(iw / 70)));
  data.forEach((d, i) => {
    let acc = 0;
    const x = m.l + i * bw;
    for (const q of ["q1", "q2", "q3", "q4", "q0"]) {
      if (!d[q]) continue;
      const r = el("rect", {x: x + bw * 0.1, width: Math.max(bw * 0.8, 1), y: y(acc + d[q]), height: y(acc) - y(acc + d[q]), class: q + "s", "data-n": d[q]}, svg);
      title(r, `${d.key}: ${d[q]} ${QUAD_NAMES[q.slice(1)]}`);
      acc += d[q];
    }
    if (i % every === 0) { const t = el("text", {x: x + bw / 2, y: H - m.b + 14, "text-anchor": "middle"}, svg); t.textContent = d.key; }
  });
  const lg = el("g", {}, svg);
  let lx = m.l;
  for (const q of [1, 2, 3, 4]) {
    el("rect", {x: lx, y: H - 16, width: 10, height: 10, class: "q" + q + "s"}, lg);
    const t = el("text", {x: lx + 14, y: H - 7}, lg); t.textContent = q + " " + QUAD_NAMES[q];
    lx += 150;
  }
  const u = el("text", {x: W - m.r, y: H - 7, "text-anchor": "end"}, lg); u.textContent = (box.dataset.what || "events") + " per " + unit;
  outsideNote();
  box.dataset.ready = "1";
}

/* ---------------------------------------------------------------- map */
async function eventMap(box) {
  const status = document.getElementById("map-status");
  const info = document.getElementById("map-info");
  const svg = el("svg", {viewBox: "-180 -90 360 180", preserveAspectRatio: "xMidYMid meet", width: "100%", height: "100%"}, box);
  const clip = el("clipPath", {id: "world-clip"}, el("defs", {}, svg));
  el("rect", {x: -180, y: -90, width: 360, height: 180}, clip);
  const gWorld = el("g", {"clip-path": "url(#world-clip)"}, svg), gGrat = el("g", {}, svg), gPts = el("g", {}, svg);
  for (let lon = -180; lon <= 180; lon += 30) el("line", {x1: lon, x2: lon, y1: -90, y2: 90, class: "grat"}, gGrat);
  for (let lat = -60; lat <= 60; lat += 30) el("line", {x1: -180, x2: 180, y1: -lat, y2: -lat, class: "grat"}, gGrat);
  let data;
  try { data = await getJSON(box.dataset.src); } catch (e) { status.textContent = "Could not load events: " + e.message; return; }
  const byCountry = new Map(data.countries.map(c => [c.country, c.n]));
  const cmax = Math.max(1, ...data.countries.map(c => c.n));
  try {
    const world = await getJSON(box.dataset.world);
    for (const c of world.countries) {
      const n = c.iso3 ? byCountry.get(c.iso3) : undefined;
      const p = el("path", {d: c.d, class: "land" + (n ? " hit" : "")}, gWorld);
      if (n) { const a = 0.15 + 0.6 * Math.sqrt(n / cmax); p.style.fill = `rgba(31, 95, 168, ${a.toFixed(2)})`; }
      title(p, c.name + (n ? `: ${n} event${n === 1 ? "" : "s"}` : ""));
    }
    status.textContent = "Outlines: " + world.source + ".";
  } catch (e) {
    status.textContent = "World outlines not installed (run: python -m eventwire.web.assets); showing a graticule only.";
  }
  const nmax = Math.max(1, ...data.points.map(p => p.n));
  const circles = [];
  for (const p of data.points) {
    const counts = [p.q1, p.q2, p.q3, p.q4];
    const top = counts.some(v => v > 0) ? counts.indexOf(Math.max(...counts)) + 1 : 0;
    const c = el("circle", {cx: p.lon, cy: -p.lat, class: `pt q${top}s`}, gPts);
    c.dataset.rpx = (4 + 14 * Math.sqrt(p.n / nmax)).toFixed(1);
    title(c, `${p.place || "?"} (${p.country || "?"}): ${p.n} event${p.n === 1 ? "" : "s"}`);
    c.addEventListener("click", () => showPlace(p));
    circles.push(c);
  }
  if (!data.points.length) status.textContent += " No located events for these filters.";
  async function showPlace(p) {
    info.textContent = "";
    html("strong", p.place || "?", info);
    html("div", `${p.country || ""} · GeoNames ${p.geonameid || "—"} · ${p.n} event${p.n === 1 ? "" : "s"}`, info, "dim");
    const q = new URLSearchParams(box.dataset.query);
    q.set("place", p.geonameid ? String(p.geonameid) : (p.place || ""));
    const ul = html("ul", null, info, "plain");
    const agg = box.dataset.unit === "aggregated";  // real-world events: one row per aggregated event
    try {
      const r = await getJSON((agg ? "/api/aggregated-events" : "/api/events") + "?limit=10&" + q.toString());
      for (const e of r.events) {
        const li = html("li", null, ul);
        if (agg) {
          const text = `${e.source_label || "?"} → ${e.target_label || "?"}: ${e.best_trigger || e.cameo_code || "event"}`;
          const a = html(e.best_event_id ? "a" : "span", text, li);
          if (e.best_event_id) a.href = "/events/" + encodeURIComponent(e.best_event_id) + "#agg-" + encodeURIComponent(e.agg_event_id);
          html("span", ` ${e.day || ""} · ${e.num_articles} report${e.num_articles === 1 ? "" : "s"}`, li, "dim");
        } else {
          const a = html("a", `${(e.source_labels || []).join(", ") || "?"} → ${(e.target_labels || []).join(", ") || "?"}: ${e.trigger}`, li);
          a.href = "/events/" + encodeURIComponent(e.event_id);
          html("span", " " + (e.day || ""), li, "dim");
        }
      }
      const more = html("a", `all ${r.total} in the events table`, info);
      more.href = "/events?" + q.toString();
    } catch (e) { html("p", e.message, info, "error"); }
  }
  // pan and zoom by changing the viewBox; circle radii stay constant on screen
  let vb = [-180, -90, 360, 180];
  function apply() {
    svg.setAttribute("viewBox", vb.map(v => v.toFixed(3)).join(" "));
    // a box not laid out yet has no size: assume the page's usual width until the observer below re-applies
    const w = box.clientWidth || 720, h = box.clientHeight || 360;
    const k = Math.max(vb[2] / w, vb[3] / h);
    for (const c of circles) c.setAttribute("r", (c.dataset.rpx * k).toFixed(3));
  }
  function zoom(f, cx, cy) {
    const nw = Math.min(360, Math.max(4, vb[2] * f)), nh = nw / 2;
    cx = cx === undefined ? vb[0] + vb[2] / 2 : cx; cy = cy === undefined ? vb[1] + vb[3] / 2 : cy;
    vb = [cx - (cx - vb[0]) * nw / vb[2], cy - (cy - vb[1]) * nh / vb[3], nw, nh];
    apply();
  }
  function toWorld(ev) {
    const pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse());
  }
  box.addEventListener("wheel", ev => { ev.preventDefault(); const p = toWorld(ev); zoom(ev.deltaY > 0 ? 1.25 : 0.8, p.x, p.y); }, {passive: false});
  let drag = null;
  box.addEventListener("pointerdown", ev => { if (ev.target.tagName !== "circle") drag = toWorld(ev); });
  box.addEventListener("pointermove", ev => { if (!drag) return; const p = toWorld(ev); vb[0] -= p.x - drag.x; vb[1] -= p.y - drag.y; apply(); });
  window.addEventListener("pointerup", () => { drag = null; });
  const zb = html("div", null, box, "zoom");
  const zi = html("button", "+", zb); zi.type = "button"; zi.title = "zoom in"; zi.addEventListener("click", () => zoom(0.6));
  const zo = html("button", "−", zb); zo.type = "button"; zo.title = "zoom out"; zo.addEventListener("click", () => zoom(1 / 0.6));
  // start on the events when they sit in one region
  if (data.points.length) {
    const xs = data.points.map(p => p.lon), ys = data.points.map(p => -p.lat);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    const w = Math.min(360, Math.max(60, (x1 - x0) * 1.4, (y1 - y0) * 2.8));
    vb = [(x0 + x1) / 2 - w / 2, (y0 + y1) / 2 - w / 4, w, w / 2];
  }
  apply();
  if (window.ResizeObserver) new ResizeObserver(() => apply()).observe(box);
  window.addEventListener("resize", apply);
  box.dataset.ready = "1";
}

/* ---------------------------------------------------------------- actor network */
async function actorNetwork(box) {
  let data;
  try { data = await getJSON(box.dataset.src); } catch (e) { html("p", "Could not load the network: " + e.message, box, "error"); return; }
  if (!data.nodes.length) { html("p", "No events with both a source and a target actor.", box, "empty"); box.dataset.ready = "1"; return; }
  const W = Math.max(box.clientWidth, 400);
  const nodes = data.nodes.map(n => ({...n, deg: n.in + n.out, x: 0, y: 0}));
  const byId = new Map(nodes.map(n => [n.id, n]));
  const links = data.edges.map(e => ({s: byId.get(e.source), t: byId.get(e.target), e}));
  // connected components, each laid out on its own (Fruchterman-Reingold, fixed steps: deterministic),
  // then packed in rows, biggest first, so separate groups of actors never overlap
  const parent = new Map(nodes.map(n => [n, n]));
  const find = n => { while (parent.get(n) !== n) n = parent.get(n); return n; };
  for (const l of links) parent.set(find(l.s), find(l.t));
  const comps = new Map();
  for (const n of nodes) { const r = find(n); if (!comps.has(r)) comps.set(r, []); comps.get(r).push(n); }
  const K = 90;  // ideal edge length, px
  const boxes = [];
  for (const members of [...comps.values()].sort((a, b) => b.length - a.length || (a[0].id < b[0].id ? -1 : 1))) {
    const set = new Set(members), ls = links.filter(l => set.has(l.s));
    members.forEach((n, i) => { const a = 2 * Math.PI * i / members.length; n.x = Math.cos(a) * K * Math.sqrt(members.length) / 2; n.y = Math.sin(a) * K * Math.sqrt(members.length) / 2; });
    for (let it = 0, temp = K; it < 250; it++, temp *= 0.98) {
      for (const a of members) { a.dx = -a.x * 0.02; a.dy = -a.y * 0.02; }  // gravity to the component's centre
      for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) {
        const a = members[i], b = members[j];
        let dx = a.x - b.x, dy = a.y - b.y, d = Math.hypot(dx, dy);
        if (d < 0.01) { dx = 0.01 * (i - j); dy = 0.01; d = Math.hypot(dx, dy); }
        const f = K * K / d; a.dx += dx / d * f; a.dy += dy / d * f; b.dx -= dx / d * f; b.dy -= dy / d * f;
      }
      for (const l of ls) {
        if (l.s === l.t) continue;
        const dx = l.s.x - l.t.x, dy = l.s.y - l.t.y, d = Math.hypot(dx, dy) || 0.01, f = d * d / K;
        l.s.dx -= dx / d * f; l.s.dy -= dy / d * f; l.t.dx += dx / d * f; l.t.dy += dy / d * f;
      }
      for (const a of members) { const d = Math.hypot(a.dx, a.dy) || 0.01, st = Math.min(d, temp) / d; a.x += a.dx * st; a.y += a.dy * st; }
    }
    let xs = members.map(n => n.x), ys = members.map(n => n.y);
    const span = Math.max(...xs) - Math.min(...xs);
    if (span > W - 2 * 70) {  // a component wider than the page: shrink it to fit
      const k = (W - 2 * 70) / span;
      for (const n of members) { n.x *= k; n.y *= k; }
      xs = members.map(n => n.x); ys = members.map(n => n.y);
    }
    boxes.push({members, x0: Math.min(...xs), y0: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys)});
  }
  const PAD = 70;  // room for labels and node circles
  let cx = 0, cy = 0, rowH = 0;
  for (const b of boxes) {
    const w = b.w + 2 * PAD, h = b.h + PAD;
    if (cx > 0 && cx + w > W) { cx = 0; cy += rowH; rowH = 0; }
    for (const n of b.members) { n.x = n.x - b.x0 + cx + PAD * 0.6; n.y = n.y - b.y0 + cy + PAD / 2; }
    cx += w; rowH = Math.max(rowH, h);
  }
  const H = cy + rowH + 10;
  box.style.height = H + "px";
  const svg = el("svg", {viewBox: `0 0 ${W} ${H}`, width: W, height: H}, box);
  const defs = el("defs", {}, svg);
  for (const q of [0, 1, 2, 3, 4]) {
    const mk = el("marker", {id: "arrow-q" + q, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse", markerUnits: "userSpaceOnUse"}, defs);
    el("path", {d: "M0,0L10,5L0,10z", class: "q" + q + "s"}, mk);
  }
  const gE = el("g", {}, svg), gN = el("g", {}, svg);
  const maxN = Math.max(1, ...data.edges.map(e => e.n));
  const rad = n => 6 + 10 * Math.sqrt(n.deg / Math.max(...nodes.map(m => m.deg)));
  for (const l of links) {
    const qs = [1, 2, 3, 4].filter(q => l.e["q" + q] > 0);
    if (!qs.length) qs.push(0);
    qs.forEach((q, i) => {
      const n = q ? l.e["q" + q] : l.e.n;
      const {s, t} = l;
      let d;
      if (s === t) { d = `M${s.x},${s.y - rad(s)} c 30,-40 60,0 ${rad(s)},${rad(s)}`; }
      else {
        const dx = t.x - s.x, dy = t.y - s.y, len = Math.hypot(dx, dy) || 1;
        const bend = 18 + 12 * i; // curved: A->B and B->A, and each QuadClass, stay apart
        const mx = (s.x + t.x) / 2 - dy / len * bend, my = (s.y + t.y) / 2 + dx / len * bend;
        const rt = rad(t) + 2, h = Math.max(Math.hypot(t.x - mx, t.y - my), 1e-6);
        const ex = t.x - (t.x - mx) / h * rt, ey = t.y - (t.y - my) / h * rt;
        d = `M${s.x.toFixed(1)},${s.y.toFixed(1)} Q${mx.toFixed(1)},${my.toFixed(1)} ${ex.toFixed(1)},${ey.toFixed(1)}`;
      }
      const p = el("path", {d, class: `edge q${q}s`, "stroke-width": (1 + 4 * Math.sqrt(n / maxN)).toFixed(2), fill: "none", "marker-end": `url(#arrow-q${q})`}, gE);
      p.dataset.quad = String(q);
      title(p, `${l.e.source} → ${l.e.target}: ${n} ${QUAD_NAMES[q]} event${n === 1 ? "" : "s"}`);
    });
  }
  for (const n of nodes) {
    const g = el("g", {class: "node", transform: `translate(${n.x.toFixed(1)},${n.y.toFixed(1)})`}, gN);
    el("circle", {r: rad(n).toFixed(1)}, g);
    // the code and, beside it, the actor's name when it says more ("KENGOV Kenya", "IGOUNO United Nations")
    const t = el("text", {x: rad(n) + 3, y: 4}, g); t.textContent = n.id;
    if (n.name && n.name !== n.id) { const s = el("tspan", {class: "name", dx: 4}, t); s.textContent = n.name; }
    title(g, `${n.name}: acts in ${n.out}, is acted on in ${n.in} event(s)`);
    g.addEventListener("click", () => {
      location.href = "/events?actor=" + encodeURIComponent(n.id) + (box.dataset.unit ? "&unit=" + encodeURIComponent(box.dataset.unit) : "");
    });
  }
  document.querySelectorAll("#quad-toggles input[data-quad]").forEach(cb => cb.addEventListener("change", () => {
    gE.querySelectorAll(`path[data-quad="${cb.dataset.quad}"]`).forEach(p => { p.style.display = cb.checked ? "" : "none"; });
  }));
  box.dataset.ready = "1";
}

/* ---------------------------------------------------------------- article: highlight layers */
function articleLayers() {
  const body = document.getElementById("body");
  document.querySelectorAll("#layers input[data-layer]").forEach(cb => cb.addEventListener("change", () => {
    body.classList.toggle("no-" + cb.dataset.layer, !cb.checked);
  }));
}

/* ---------------------------------------------------------------- event: review form */
function reviewForm(form) {
  const fix = document.getElementById("fix-fields");
  const status = document.getElementById("review-status");
  const verdict = () => form.querySelector("input[name=verdict]:checked").value;
  const sync = () => { fix.disabled = verdict() !== "fixed"; };
  form.querySelectorAll("input[name=verdict]").forEach(r => r.addEventListener("change", sync));
  sync();
  form.reviewer.value = localStorage.getItem("eventwire-reviewer") || "";
  form.token.value = sessionStorage.getItem("eventwire-token") || "";
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    status.className = "status"; status.textContent = "saving…";
    const body = {verdict: verdict(), reviewer: form.reviewer.value.trim(), note: form.note.value.trim() || null};
    if (body.verdict === "fixed") {
      const list = s => s.split(/[,;\s]+/).map(x => x.trim().toUpperCase()).filter(Boolean);
      Object.assign(body, {cameo_code: form.cameo_code.value.trim() || null, plover_type: form.plover_type.value.trim().toUpperCase() || null,
        plover_mode: form.plover_mode.value.trim() || null, quad_class: parseInt(form.quad_class.value, 10),
        modality: form.modality.value, sources: list(form.sources.value), targets: list(form.targets.value)});
    }
    localStorage.setItem("eventwire-reviewer", body.reviewer);
    sessionStorage.setItem("eventwire-token", form.token.value);
    try {
      const r = await fetch("/api/events/" + encodeURIComponent(form.dataset.event) + "/reviews", {
        method: "POST", headers: {"Content-Type": "application/json", "X-Eventwire-Token": form.token.value}, body: JSON.stringify(body)});
      const j = await r.json().catch(() => ({}));
      if (!r.ok) {
        const d = Array.isArray(j.detail) ? j.detail.map(x => (x.loc || []).slice(-1)[0] + ": " + x.msg).join("; ") : j.detail;
        throw new Error(d || ("HTTP " + r.status));
      }
      status.className = "status ok"; status.textContent = `saved: ${j.verdict} by ${j.reviewer}`;
      setTimeout(() => location.reload(), 600);
    } catch (e) { status.className = "status bad"; status.textContent = "not saved: " + e.message; }
  });
}

/* ---------------------------------------------------------------- article: add a missed event */
function missedForm(form) {
  const status = document.getElementById("missed-status");
  form.reviewer.value = localStorage.getItem("eventwire-reviewer") || "";
  form.token.value = sessionStorage.getItem("eventwire-token") || "";
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    status.className = "status"; status.textContent = "saving…";
    const list = s => s.split(/[,;\s]+/).map(x => x.trim().toUpperCase()).filter(Boolean);
    const body = {reviewer: form.reviewer.value.trim(), sent_idx: parseInt(form.sent_idx.value, 10),
      trigger: form.trigger.value.trim() || null, cameo_code: form.cameo_code.value.trim(),
      plover_type: form.plover_type.value.trim().toUpperCase() || null, modality: form.modality.value,
      sources: list(form.sources.value), targets: list(form.targets.value), note: form.note.value.trim() || null};
    localStorage.setItem("eventwire-reviewer", body.reviewer);
    sessionStorage.setItem("eventwire-token", form.token.value);
    try {
      const r = await fetch("/api/articles/" + encodeURIComponent(form.dataset.article) + "/missed-events", {
        method: "POST", headers: {"Content-Type": "application/json", "X-Eventwire-Token": form.token.value}, body: JSON.stringify(body)});
      const j = await r.json().catch(() => ({}));
      if (!r.ok) {
        const d = Array.isArray(j.detail) ? j.detail.map(x => (x.loc || []).slice(-1)[0] + ": " + x.msg).join("; ") : j.detail;
        throw new Error(d || ("HTTP " + r.status));
      }
      status.className = "status ok"; status.textContent = `added: ${j.cameo_code} ${j.plover_type || ""} by ${j.reviewer}`;
      setTimeout(() => location.reload(), 600);
    } catch (e) { status.className = "status bad"; status.textContent = "not saved: " + e.message; }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const chart = document.getElementById("daily-chart"); if (chart) dailyChart(chart);
  const map = document.getElementById("map"); if (map) eventMap(map);
  const net = document.getElementById("network"); if (net) actorNetwork(net);
  if (document.getElementById("layers")) articleLayers();
  const rf = document.getElementById("review-form"); if (rf) reviewForm(rf);
  const mf = document.getElementById("missed-form"); if (mf) missedForm(mf);
});
