/* cellviz step player: one module for the Streamlit app (a Custom Component v2) and the offline export.
 *
 * The payload (cellviz/player/payload.py, format "cellviz-player/1") is drawn once: every Plotly figure is
 * plotted a single time. A step change then touches only light DOM: the caption and slider, cursor lines and
 * outlines placed from the axes' pixel mapping (an overlay over the plot, so Plotly redraws nothing), the
 * cell diagram's colour strips (small canvases over the heatmaps), per-step titles and tables of numbers.
 *
 * Sections of one page that share a step form a group (by name). The section with `controls` draws the
 * step bar (buttons, slider, "step t of T" caption) and owns the keyboard: ←/→ and PageUp/PageDown step,
 * Home/End jump, Space plays. The host is told the step (debounced) through group.sync, when it has one.
 */
(function () {
  "use strict";
  const VERSION = "1";
  if (window.CellvizPlayer && window.CellvizPlayer.version === VERSION) return;
  const REG = (window.__cellvizPlayer = window.__cellvizPlayer || { groups: {} });
  const SYNC_MS = 250;          // the host hears about the step this long after the last change
  const SYNC_MAX_MS = 1000;     // ... and at least this often while playing
  const ICONS = { first: "M3 3h2v10H3zM13 3v10L6 8z", prev: "M11 3v10L4 8z", play: "M4 2v12l10-6z",
                  next: "M5 3v10l7-5z", last: "M11 3h2v10h-2zM3 3v10l7-5z", pause: "M3 2h4v12H3zM9 2h4v12H9z" };

  // --- data -------------------------------------------------------------------------------------------
  function b64bytes(s) {
    const bin = atob(s), out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function half(u) {             // IEEE half -> float
    const s = u & 0x8000 ? -1 : 1, e = (u >> 10) & 0x1f, f = u & 0x3ff;
    if (e === 0) return s * f * 5.960464477539063e-8;
    if (e === 31) return f ? NaN : s * Infinity;
    return s * (1 + f / 1024) * Math.pow(2, e - 15);
  }
  /** A typed-array spec {dtype: "f4"|"f2", bdata, shape?} -> Float32Array (row-major). */
  function decode(spec) {
    if (spec == null) return null;
    if (Array.isArray(spec)) return Float32Array.from(spec);
    const bytes = b64bytes(spec.bdata);
    if (spec.dtype === "f4") return new Float32Array(bytes.buffer);
    if (spec.dtype === "f2") {
      const u = new Uint16Array(bytes.buffer), out = new Float32Array(u.length);
      for (let i = 0; i < u.length; i++) out[i] = half(u[i]);
      return out;
    }
    throw new Error("cellviz player: unknown dtype " + spec.dtype);
  }

  // --- colours (the same scale as the figure's colour axis) --------------------------------------------
  function parseColor(c) {
    if (Array.isArray(c)) return c.slice(0, 3);
    c = String(c).trim();
    if (c[0] === "#") {
      const h = c.length === 4 ? c.slice(1).split("").map(x => x + x).join("") : c.slice(1, 7);
      return [0, 2, 4].map(i => parseInt(h.slice(i, i + 2), 16));
    }
    const m = c.match(/rgba?\(([^)]+)\)/);
    return m ? m[1].split(",").slice(0, 3).map(Number) : [128, 128, 128];
  }
  function colorFn(axis) {
    const stops = (axis.colorscale || [[0, "#000"], [1, "#fff"]]).map(s => [Number(s[0]), parseColor(s[1])]);
    const lo = axis.cmin, hi = axis.cmax, span = hi - lo || 1;
    return function (v) {
      if (!isFinite(v)) return "rgba(0,0,0,0)";
      const p = Math.min(1, Math.max(0, (v - lo) / span));
      let k = 1;
      while (k < stops.length - 1 && stops[k][0] < p) k++;
      const [p0, c0] = stops[k - 1], [p1, c1] = stops[k], w = p1 > p0 ? (p - p0) / (p1 - p0) : 0;
      return "rgb(" + [0, 1, 2].map(i => Math.round(c0[i] + w * (c1[i] - c0[i]))).join(",") + ")";
    };
  }

  // --- plotly.js, loaded once per page -----------------------------------------------------------------
  function loadPlotly(url) {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (REG.plotly) return REG.plotly;
    let s = document.querySelector("script[data-cellviz-plotly]");      // the host may have started it early
    if (!s && !url) return Promise.reject(new Error("cellviz player: plotly.js is not on the page"));
    REG.plotly = new Promise((resolve, reject) => {
      if (!s) {
        s = document.createElement("script");
        s.src = url; s.async = true; s.dataset.cellvizPlotly = "1";
        document.head.appendChild(s);
      }
      s.addEventListener("load", () => { REG.plotlyLoaded = performance.now(); resolve(window.Plotly); });
      s.addEventListener("error", () => { REG.plotly = null; s.remove();
                                          reject(new Error("cellviz player: could not load " + url)); });
      if (window.Plotly) resolve(window.Plotly);                          // loaded between the checks
    });
    return REG.plotly;
  }

  function el(tag, cls, parent) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (parent) parent.appendChild(e);
    return e;
  }
  function icon(name) {
    return '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="' + ICONS[name] + '"/></svg>';
  }
  function fmt(v, digits) {
    if (!isFinite(v)) return "–";
    return (v >= 0 ? "+" : "−") + Math.abs(v).toFixed(digits);
  }

  // --- a group: the shared step of a page's sections ---------------------------------------------------
  function group(name) {
    const g = REG.groups[name] || (REG.groups[name] = {});
    if (g.setStep) return g;
    Object.assign(g, { name, step: 0, steps: 1, sections: new Set(), timer: null, syncTimer: null,
                       lastSync: 0, sent: null });
    g.clamp = k => Math.max(0, Math.min(g.steps - 1, k | 0));
    g.setStep = function (k, opts) {
      k = g.clamp(k);
      g.step = k;
      g.sections.forEach(s => s.show(k));
      if (!(opts && opts.fromHost)) g.scheduleSync();
    };
    g.scheduleSync = function () {
      if (!g.sync) return;
      clearTimeout(g.syncTimer);
      const now = performance.now(), due = g.timer && now - g.lastSync > SYNC_MAX_MS ? 0 : SYNC_MS;
      g.syncTimer = setTimeout(() => {
        g.lastSync = performance.now();
        if (g.sent !== g.step && g.sync) { g.sent = g.step; g.sync.setStateValue("step", g.step); }
      }, due);
    };
    /** Play / pause: one step per `playMs`, advanced in animation frames, so that every step is painted
     *  (at 10 steps/s and more, a slow frame delays the next step instead of skipping one). */
    g.play = function (on) {
      g.timer = null;
      if (on) {
        if (g.step >= g.steps - 1) g.setStep(0);
        const run = {}, tick = now => {
          if (g.timer !== run) return;
          const ms = g.playMs || 700;
          if (now - run.last >= ms - 4) {       // on schedule on average (a frame late is made up next time)
            run.last = now - run.last > 2 * ms ? now : run.last + ms;
            if (g.step >= g.steps - 1) { g.play(false); return; }
            g.setStep(g.step + 1);
          }
          requestAnimationFrame(tick);
        };
        run.last = performance.now();
        g.timer = run;
        requestAnimationFrame(tick);
      }
      g.sections.forEach(s => s.playing && s.playing(!!g.timer));
    };
    /** The host moved the step (a deep link, a click elsewhere, a new input). */
    g.seek = function (k) { g.sent = g.clamp(k); g.setStep(k, { fromHost: true }); };
    g.server = function (data) { g.serverData = data; g.sections.forEach(s => s.server && s.server(data)); };
    if (g.pendingSeek !== undefined) { const k = g.pendingSeek; delete g.pendingSeek; g.step = k; g.sent = k; }
    return g;
  }

  /** A strip's (T, n) values from the panel's series: as is, shifted by a step (the previous state, from the
   *  initial one), or through tanh (payload.strip_values is the same in Python). */
  function stripData(s, series) {
    const src = series[s.series], n = s.n, T = src.length / n, shift = s.shift || 0;
    if (!shift && !s.fn) return src;
    const init = s.initial ? decode(s.initial) : null, out = new Float32Array(src.length);
    for (let t = 0; t < T; t++) {
      const j = t - shift;
      if (j >= 0 && j < T) out.set(src.subarray(j * n, (j + 1) * n), t * n);
      else if (init) out.set(init, t * n);
    }
    if (s.fn === "tanh") for (let i = 0; i < out.length; i++) out[i] = Math.tanh(out[i]);
    return out;
  }

  // --- overlays: cursors and outlines placed from the axes' pixel mapping ------------------------------
  function axisPair(full, id) {             // "x2y2" -> [xaxis2, yaxis2]
    const m = id.match(/^(x\d*)(y\d*)$/);
    if (!m) return null;
    const ax = a => full[a.replace(/^x/, "xaxis").replace(/^y/, "yaxis")];
    return [ax(m[1]), ax(m[2])];
  }

  function Figure(panel, holder, P) {
    const wrap = el("div", "cvp-figwrap", holder);
    const gd = el("div", "cvp-fig", wrap);
    const over = el("div", "cvp-overlay", wrap);
    const cursors = panel.cursors || [], series = {};
    for (const k in panel.series || {}) series[k] = decode(panel.series[k]);
    const strips = (panel.strips || []).map(s => Object.assign({}, s, { data: stripData(s, series) }));
    const PAD = 3;                           // canvas margin around a strip, for the unit's outline
    let lines = [], boxes = [], strips_ = [], rects = [], step = 0, drawn = false, serverSeries = null;

    function layout() {                      // (re)build the overlay elements for the current axes
      if (!gd._fullLayout) return;
      const full = gd._fullLayout;
      lines.forEach(l => l.remove()); boxes.forEach(b => b.remove()); strips_.forEach(c => c.remove());
      lines = []; boxes = []; strips_ = [];
      rects = [];
      for (const c of cursors) {
        if (c.type === "vline") {
          const ids = c.axes || (full._subplots && full._subplots.cartesian) || ["xy"];
          const seen = new Set();
          for (const id of ids) {
            const pair = axisPair(full, id);
            if (!pair || !pair[0] || !pair[1] || seen.has(pair[0]._id)) continue;
            seen.add(pair[0]._id);
            const l = el("div", "cvp-vline", over);
            l._axes = pair; l._cursor = c;
            if (c.color) l.style.borderColor = c.color;
            lines.push(l);
          }
        } else if (c.type === "cell") {
          const pair = axisPair(full, c.axes || "xy");
          const b = el("div", "cvp-box", over);
          b._axes = pair; b._cursor = c;
          if (c.color) b.style.borderColor = c.color;
          boxes.push(b);
        }
      }
      const dpr = window.devicePixelRatio || 1;
      for (const s of strips) {        // one small canvas per strip: a step repaints only these pixels
        const pair = axisPair(full, s.axes || "xy"), xa = pair[0], ya = pair[1];
        const color = colorFn(full[s.coloraxis] || {});
        const left = xa._offset + xa.l2p(s.x0), right = xa._offset + xa.l2p(s.x1);
        const y0 = ya._offset + ya.l2p(s.y1), y1 = ya._offset + ya.l2p(s.y0);
        const top = Math.min(y0, y1), height = Math.abs(y1 - y0), width = right - left;
        const cv = el("canvas", "cvp-strip", over);
        cv.style.left = (left - PAD) + "px"; cv.style.top = (top - PAD) + "px";
        cv.style.width = (width + 2 * PAD) + "px"; cv.style.height = (height + 2 * PAD) + "px";
        cv.width = Math.round((width + 2 * PAD) * dpr); cv.height = Math.round((height + 2 * PAD) * dpr);
        const ctx = cv.getContext("2d");
        ctx.scale(dpr, dpr);
        const w = width / s.n;
        cv.addEventListener("mousemove", ev => {
          const u = Math.floor((ev.offsetX - PAD) / w);
          if (u < 0 || u >= s.n) { cv.title = ""; return; }
          const v = s.data[step * s.n + u], bu = s.bu || 1;
          const units = bu > 1 ? (u * bu) + "–" + (Math.min(s.units, (u + 1) * bu) - 1) + " (" + P.texts.mean + ")" : u;
          cv.title = s.label + "\n" + P.texts.unit + " " + units + "\n" + (isFinite(v) ? v.toFixed(4) : "–");
        });
        strips_.push(cv);
        rects.push({ s, ctx, color, w, width, height });
      }
      if (paint) paint.build(full);
      drawn = true;
      show(step);
    }

    function place(k) {
      for (const l of lines) {
        const [xa, ya] = l._axes, x = l._cursor.at === "server" ? serverAt() : k;
        const px = xa._offset + xa.l2p(x);
        const inside = x != null && px >= xa._offset - 1 && px <= xa._offset + xa._length + 1;
        l.style.display = inside ? "" : "none";
        l.style.left = px + "px"; l.style.top = ya._offset + "px"; l.style.height = ya._length + "px";
      }
      for (const b of boxes) {
        const [xa, ya] = b._axes, c = b._cursor, at = c.at === "server" ? serverAt() : k;
        const r = Math.floor(at / c.per_row), col = at % c.per_row;
        const x0 = xa._offset + xa.l2p(col - 0.5), x1 = xa._offset + xa.l2p(col + 0.5);
        const y0 = ya._offset + ya.l2p(r - 0.5), y1 = ya._offset + ya.l2p(r + 0.5);
        b.style.left = Math.min(x0, x1) + "px"; b.style.width = Math.abs(x1 - x0) + "px";
        b.style.top = Math.min(y0, y1) + "px"; b.style.height = Math.abs(y1 - y0) + "px";
      }
      for (const { s, ctx, color, w, width, height } of rects) {
        const base = k * s.n;
        ctx.clearRect(0, 0, width + 2 * PAD, height + 2 * PAD);
        for (let u = 0; u < s.n; u++) {
          ctx.fillStyle = color(s.data[base + u]);
          ctx.fillRect(PAD + u * w, PAD, w + 0.5, height);
        }
        const cell = s.unit == null ? -1 : Math.floor(s.unit / (s.bu || 1));
        if (cell >= 0 && cell < s.n) {                          // the selected unit's outline (its block)
          ctx.strokeStyle = "#111"; ctx.lineWidth = 2;
          ctx.strokeRect(PAD + cell * w - 1, PAD - 2, w + 2, height + 4);
        }
      }
    }
    /** New data for the figure's traces: v (Float32Array) of `shape`, applied as `how.kind` says — "bars"
     *  (y and a log colour), "strip" (a token strip's log colours, how.per_row a row), "lines" ((curves, T):
     *  one row per trace, non-positive = gap) — and a layout update. */
    function update(v, shape, layoutUpdate, how) {
      const upd = how || {};
      if (paint && paint.kind === upd.kind && !(layoutUpdate && Object.keys(layoutUpdate).length)) {
        paint.draw(v);                         // pixels only: Plotly redraws nothing ...
        if (upd.kind === "bars") gd.data[0].y = Array.from(v);      // ... but its data says what is shown
        else if (upd.kind === "lines") gd.data.forEach((d, i) => { d.y = Array.from(v.subarray(i * shape[1], (i + 1) * shape[1]), a => (a > 0 ? a : NaN)); });
        else gd.data[0].z = Array.from({ length: Math.ceil(v.length / upd.per_row) }, (_, r) => Array.from(
          { length: upd.per_row }, (_, c) => { const i = r * upd.per_row + c; return i < v.length && v[i] > 0 ? Math.log10(v[i]) : NaN; }));
        return;
      }
      const y = Array.from(v), logs = y.map(a => (a > 0 ? Math.log10(a) : NaN));
      let data = {}, traces = [0];
      if (upd.kind === "bars") {
        data = { y: [y], "marker.color": [logs] };
      } else if (upd.kind === "strip") {
        const rows = [], per = upd.per_row;
        for (let r = 0; r * per < y.length; r++) {
          const row = [];
          for (let c = 0; c < per; c++) { const i = r * per + c; row.push(i < logs.length ? logs[i] : NaN); }
          rows.push(row);
        }
        data = { z: [rows] };
      } else if (upd.kind === "lines") {
        const T = shape[1], rows = [];
        for (let i = 0; i < shape[0]; i++)
          rows.push(Array.from(v.subarray(i * T, (i + 1) * T), a => (a > 0 ? a : NaN)));
        data = { y: rows }; traces = rows.map((_, i) => i);
      }
      if (layoutUpdate && Object.keys(layoutUpdate).length) window.Plotly.update(gd, data, layoutUpdate, traces);
      else window.Plotly.restyle(gd, data, traces);            // data only: no layout pass
    }

    // a by-step panel carries its data for every step (row k: the step's): the latest step is applied
    const byStep = panel.by_step ? { all: decode(panel.by_step.values), shape: panel.by_step.values.shape } : null;
    let byStepShown = null, byStepFrame = 0, onScreen = true, watcher = null;
    // A by-step bar chart or token strip (one trace) is repainted per step on a canvas over its plot area, its
    // Plotly layer hidden: a Plotly.restyle of those took 30-100 ms a step, a repaint takes about one.
    const paintKind = byStep && (panel.by_step.update || {}).kind;
    const paint = (paintKind === "bars" || paintKind === "strip") && panel.figure.data.length === 1 ||
                  paintKind === "lines" && panel.figure.data.every(d => d.type === "scatter" && d.mode === "lines")
                  ? Painter(panel.by_step.update) : null;
    function Painter(how) {
      const self = { kind: how.kind, cv: null, last: null };
      const unescape = s => String(s == null ? "" : s).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
      self.build = function (full) {
        if (self.cv) self.cv.remove();
        const xa = full.xaxis, ya = full.yaxis, fd = gd._fullData && gd._fullData[0];
        if (!xa || !ya || !fd) { self.cv = null; return; }
        const layer = gd.querySelector({ bars: ".barlayer", strip: ".heatmaplayer", lines: ".scatterlayer" }[how.kind]);
        if (layer) layer.style.visibility = "hidden";
        const cv = el("canvas", "cvp-strip", over), dpr = window.devicePixelRatio || 1;
        over.insertBefore(cv, over.firstChild);          // below the cursors
        Object.assign(cv.style, { left: xa._offset + "px", top: ya._offset + "px", width: xa._length + "px",
                                  height: ya._length + "px" });
        cv.width = Math.round(xa._length * dpr); cv.height = Math.round(ya._length * dpr);
        const ctx = cv.getContext("2d");
        ctx.scale(dpr, dpr);
        const m = how.kind === "bars" ? fd.marker : how.kind === "strip" ? fd : {};
        const color = colorFn({ colorscale: m.colorscale, cmin: how.kind === "bars" ? m.cmin : m.zmin,
                                cmax: how.kind === "bars" ? m.cmax : m.zmax });
        Object.assign(self, { cv, ctx, xa, ya, color, font: (full.font && full.font.family) || "sans-serif" });
        cv.addEventListener("mousemove", ev => {
          const k = self.at(ev.offsetX, ev.offsetY), v = self.last;
          if (how.kind === "lines") {
            const T = byStep.shape[2];
            cv.title = k == null || !v || k < 0 || k >= T ? "" : "t = " + k + "\n" + gd._fullData.map((d, i) =>
              d.name + ": " + (v[i * T + k] > 0 ? v[i * T + k].toExponential(3) : "–")).join("\n");
            return;
          }
          if (k == null || !v || k >= v.length) { cv.title = ""; return; }
          const label = how.kind === "bars" ? (gd.data[0].customdata || [])[k] : self.text(k);
          cv.title = (P.texts.position || "k") + " = " + k + " (" + unescape(label) + ")\n" + (v[k] > 0 ? v[k].toExponential(3) : "–");
        });
        if (self.last) self.draw(self.last);
      };
      self.text = k => { const t = gd.data[0].text, per = how.per_row; return t && t[Math.floor(k / per)] ? t[Math.floor(k / per)][k % per] : ""; };
      self.at = function (px, py) {
        const { xa, ya } = self;
        if (how.kind !== "strip") return Math.round(xa.p2c(px));
        const c = Math.round(xa.p2c(px)), r = Math.round(ya.p2c(py));
        return c < 0 || c >= how.per_row || r < 0 ? null : r * how.per_row + c;
      };
      self.draw = function (v) {
        self.last = v;
        if (!self.cv) return;
        const { ctx, xa, ya, color } = self, W = xa._length, H = ya._length;
        ctx.clearRect(0, 0, W, H);
        if (how.kind === "lines") {                 // (curves, T): one polyline per trace, gaps where <= 0
          const T = byStep.shape[2];
          gd._fullData.forEach((d, i) => {
            ctx.strokeStyle = (d.line && d.line.color) || "#444"; ctx.lineWidth = (d.line && d.line.width) || 2;
            ctx.setLineDash(d.line && d.line.dash === "dash" ? [6, 4] : d.line && d.line.dash === "dot" ? [2, 3] : []);
            ctx.beginPath();
            let on = false;
            for (let k = 0; k < T; k++) {
              const a = v[i * T + k];
              if (!(a > 0)) { on = false; continue; }
              const x = xa.c2p(k), y = ya.c2p(a);
              if (on) ctx.lineTo(x, y); else ctx.moveTo(x, y);
              on = true;
            }
            ctx.stroke();
          });
          return;
        }
        if (how.kind === "bars") {
          const gap = gd._fullLayout.bargap == null ? 0.2 : gd._fullLayout.bargap;
          const w = Math.abs(xa.c2p(1) - xa.c2p(0)) * (1 - gap);
          for (let k = 0; k < v.length; k++) {
            if (!(v[k] > 0)) continue;
            const x = xa.c2p(k), y = Math.max(0, Math.min(H, ya.c2p(v[k])));
            ctx.fillStyle = color(Math.log10(v[k]));
            ctx.fillRect(x - w / 2, y, w, H - y);
          }
          return;
        }
        const per = how.per_row, fd = gd._fullData[0], gx = (fd.xgap || 0) / 2, gy = (fd.ygap || 0) / 2;
        ctx.font = "14px " + self.font; ctx.textAlign = "center"; ctx.textBaseline = "middle";
        for (let k = 0; k < v.length; k++) {
          const r = Math.floor(k / per), c = k % per;
          const x0 = xa.c2p(c - 0.5), x1 = xa.c2p(c + 0.5), y0 = ya.c2p(r - 0.5), y1 = ya.c2p(r + 0.5);
          const left = Math.min(x0, x1) + gx, top = Math.min(y0, y1) + gy;
          const w = Math.abs(x1 - x0) - 2 * gx, h = Math.abs(y1 - y0) - 2 * gy;
          const fill = v[k] > 0 ? color(Math.log10(v[k])) : null;
          if (fill) { ctx.fillStyle = fill; ctx.fillRect(left, top, w, h); }
          const rgb = fill ? parseColor(fill) : [255, 255, 255];
          ctx.fillStyle = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] > 140 ? "#111" : "#fff";
          ctx.fillText(unescape(self.text(k)), left + w / 2, top + h / 2);
        }
      };
      return self;
    }
    if (byStep && window.IntersectionObserver) {     // a figure out of view is redrawn when it comes into view
      watcher = new IntersectionObserver(entries => {
        onScreen = entries[entries.length - 1].isIntersecting;
        if (onScreen && drawn && !byStepFrame) byStepFrame = requestAnimationFrame(() => setTimeout(showByStep, 0));
      });
      watcher.observe(wrap);
    }
    function showByStep() {
      byStepFrame = 0;
      if (!byStep || !window.Plotly || !gd._fullLayout || byStepShown === step || !onScreen) return;   // or purged
      const k = step, rowShape = byStep.shape.slice(1), size = rowShape.reduce((a, b) => a * b, 1);
      update(byStep.all.subarray(k * size, (k + 1) * size), rowShape,
             panel.by_step.layouts ? panel.by_step.layouts[k] : null, panel.by_step.update);
      byStepShown = k;
      wrap.dataset.byStep = k;
    }

    function serverAt() { return serverSeries ? serverSeries.t : panel.server_at; }

    function show(k) {
      step = k;
      if (drawn) place(k);
      // after the frame that shows the new step and cursor, in a task of its own per figure (a restyle takes
      // 20-50 ms here): the step bar answers at once and a keypress in between is never held up
      if (byStep && drawn && !byStepFrame) byStepFrame = requestAnimationFrame(() => setTimeout(showByStep, 0));
    }

    const ready = loadPlotly(P.plotly_url).then(Plotly => {
      const fig = panel.figure;
      const config = Object.assign({ displaylogo: false, responsive: true }, panel.config || {});
      return Plotly.newPlot(gd, fig.data, fig.layout, config).then(() => {
        layout();
        gd.on("plotly_afterplot", layout);
        if (panel.click === "unit_step") {
          gd.on("plotly_click", ev => {
            const p = ev && ev.points && ev.points[0];
            if (!p || p.x == null || p.y == null) return;
            P.pick({ unit: Math.round(p.y), step: Math.round(p.x) });
          });
        }
      });
    });

    return {
      ready, show,
      /** A server panel's new series: {t, values (typed spec), layout}. */
      server(data) {
        if (!panel.server || !data || !data[panel.server]) return;
        const d = data[panel.server], v = decode(d.values);
        serverSeries = d;
        if (drawn) place(step);
        // one Plotly.update per figure, in a task of its own (a keypress can come first), and only if the
        // player still shows that step (otherwise newer data is on its way)
        ready.then(() => setTimeout(() => {
          if (P.current && P.current() !== d.t) return;
          update(v, d.values.shape, d.layout, panel.server_update);
          wrap.classList.remove("cvp-stale");
          wrap.dataset.serverStep = d.t;
        }, 0));
      },
      stale() { if (panel.server) wrap.classList.add("cvp-stale"); },
      destroy() {
        if (watcher) watcher.disconnect();
        if (window.Plotly) window.Plotly.purge(gd);
      },
    };
  }

  function Table(panel, holder) {
    const box = el("div", "cvp-table", holder);
    if (panel.title) el("div", "cvp-table-title", box).textContent = panel.title;
    const table = el("table", "", box), head = el("tr", "", el("thead", "", table)), body = el("tbody", "", table);
    (panel.columns || []).forEach(c => { el("th", "", head).textContent = c; });
    const rows = (panel.rows || []).map(r => {
      const tr = el("tr", "", body);
      el("td", "", tr).textContent = r.label;
      const td = el("td", "cvp-num", tr);
      return { td, values: decode(r.values) };
    });
    return {
      ready: Promise.resolve(),
      show(k) { rows.forEach(r => { r.td.textContent = fmt(r.values[k], panel.digits == null ? 4 : panel.digits); }); },
      destroy() {},
    };
  }

  // --- a section: some panels of a page (and maybe the step bar) ---------------------------------------
  function Section(root, P, host) {
    const g = group(P.group || "cellviz");
    if (P.steps) g.steps = P.steps;
    if (P.play_ms) g.playMs = P.play_ms;
    g.step = g.clamp(g.step);
    const box = el("div", "cvp-section", root);
    const self = { box };
    const panels = [];
    let bar = null;
    P.current = () => g.step;
    P.pick = v => {                          // a clicked heatmap cell: that step now, that unit via the host
      g.setStep(v.step);
      if (g.sync && g.sync.setTriggerValue) g.sync.setTriggerValue("pick", v);
    };
    if (P.controls) bar = Controls(box, P, g);
    for (const panel of P.panels || []) {
      const holder = el("div", "cvp-panel", box);
      holder.dataset.panel = panel.id;
      const titleEl = panel.titles ? el("div", "cvp-title", holder) : null;
      const view = panel.type === "table" ? Table(panel, holder) : Figure(panel, holder, P);
      if (panel.caption) el("p", "cvp-caption", holder).textContent = panel.caption;
      panels.push({ panel, view, titleEl });
    }
    self.show = function (k) {
      if (bar) bar.show(k);
      for (const p of panels) {
        if (p.titleEl) p.titleEl.textContent = p.panel.titles[k];
        p.view.show(k);
        if (p.panel.server && p.view.stale && !(g.serverData && g.serverData[p.panel.server] &&
            g.serverData[p.panel.server].t === k)) p.view.stale();
      }
      root.dataset.step = k;
    };
    self.playing = on => { if (bar) bar.playing(on); };
    self.server = data => panels.forEach(p => p.view.server && p.view.server(data));
    self.ready = Promise.all(panels.map(p => p.view.ready)).then(() => {
      root.dataset.ready = "1";
      REG.firstDrawn = REG.firstDrawn || (panels.length ? performance.now() : undefined);   // for benchmarks
    });
    self.destroy = function () {
      g.sections.delete(self);
      if (bar) bar.destroy();
      panels.forEach(p => p.view.destroy());
      box.remove();
      if (!g.sections.size) { g.play(false); }
    };
    g.sections.add(self);
    self.show(g.step);
    if (g.serverData) self.server(g.serverData);
    return self;
  }

  function Controls(box, P, g) {
    const bar = el("div", "cvp-bar", box);
    const T = P.texts, btn = {};
    for (const name of ["first", "prev", "play", "next", "last"]) {
      const b = el("button", "cvp-btn cvp-" + name, bar);
      b.type = "button";
      b.title = T[name + ".help"] || "";
      b.innerHTML = icon(name) + (name === "play" ? "<span>" + escapeHtml(T.play) + "</span>" : "");
      b.addEventListener("click", () => b.blur());
      btn[name] = b;
    }
    const slider = el("input", "cvp-slider", bar);
    slider.type = "range"; slider.min = 0; slider.max = Math.max(0, g.steps - 1); slider.step = 1;
    slider.setAttribute("aria-label", T.label || "step");
    bar.insertBefore(slider, btn.next);
    const caption = el("span", "cvp-step", bar);
    caption.setAttribute("aria-live", "polite");
    btn.first.onclick = () => g.setStep(0);
    btn.prev.onclick = () => g.setStep(g.step - 1);
    btn.next.onclick = () => g.setStep(g.step + 1);
    btn.last.onclick = () => g.setStep(g.steps - 1);
    btn.play.onclick = () => g.play(g.timer === null);
    slider.addEventListener("input", () => g.setStep(Number(slider.value)));
    const speed = el("select", "cvp-speed", bar);        // steps per second while playing
    speed.title = T.speed || "";
    for (const ms of [700, 250, 100, 50]) {
      const o = el("option", "", speed);
      o.value = ms; o.textContent = (T.rate || "{n}/s").replace("{n}", String(Math.round(10000 / ms) / 10));
    }
    speed.value = String(g.playMs || 700);
    speed.addEventListener("change", () => { g.playMs = Number(speed.value); speed.blur(); });
    if (P.keys) el("span", "cvp-keys", bar).textContent = P.keys;

    function typing(t) {
      if (!t || t === document.body) return false;
      if (t === slider) return false;
      const tag = (t.tagName || "").toLowerCase();
      return tag === "input" || tag === "textarea" || tag === "select" || t.isContentEditable ||
             (t.closest && t.closest("[role=combobox],[role=listbox],[role=slider],[role=textbox]") !== null);
    }
    function onKey(e) {
      if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      const t = e.composedPath ? e.composedPath()[0] : e.target;
      if (typing(t)) return;
      if ((t && t.tagName === "BUTTON") && (e.key === " " || e.key === "Enter")) return;
      const moves = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 };
      if (e.key in moves) g.setStep(g.step + moves[e.key]);
      else if (e.key === "Home") g.setStep(0);
      else if (e.key === "End") g.setStep(g.steps - 1);
      else if (e.key === " ") g.play(g.timer === null);
      else return;
      e.preventDefault(); e.stopPropagation();
    }
    if (P.keyboard === "focus") {        // keys only while the player has focus (a notebook): click or Tab to it
      box.tabIndex = 0;
      box.addEventListener("keydown", onKey);
    } else if (P.keyboard !== false) document.addEventListener("keydown", onKey, true);
    return {
      show(k) {
        slider.max = Math.max(0, g.steps - 1);
        slider.value = k;
        caption.textContent = (P.captions && P.captions[k]) || "";
        btn.first.disabled = btn.prev.disabled = k <= 0;
        btn.next.disabled = btn.last.disabled = k >= g.steps - 1;
        btn.play.disabled = g.steps <= 1;
      },
      playing(on) {
        btn.play.innerHTML = icon(on ? "pause" : "play") + "<span>" + escapeHtml(on ? T.pause : T.play) + "</span>";
        btn.play.title = T[(on ? "pause" : "play") + ".help"] || "";
        btn.play.classList.toggle("cvp-on", on);
      },
      destroy() { document.removeEventListener("keydown", onKey, true); box.removeEventListener("keydown", onKey); },
    };
  }

  function escapeHtml(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
                                                                   '"': "&quot;", "'": "&#39;" })[c]);
  }

  // --- hosts ------------------------------------------------------------------------------------------
  const mounted = new WeakMap();          // a host element -> {json, section}

  /** Mount (or re-mount with new data) a section into `root`. Returns a cleanup function. */
  function mount(root, P, host) {
    const old = mounted.get(root);
    if (old && old.payload === P) return old.cleanup;
    if (old) old.section.destroy();
    const section = Section(root, P, host || {});
    const cleanup = () => { section.destroy(); mounted.delete(root); };
    mounted.set(root, { payload: P, section, cleanup });
    return cleanup;
  }

  /** The Streamlit Custom Component v2 entry (data = a section payload). */
  function component(c) {
    const P = c.data;
    if (!P || P.format !== "cellviz-player/1") return undefined;
    return mount(c.parentElement, P, {});
  }

  window.CellvizPlayer = { version: VERSION, mount, component, decode, group };
})();
