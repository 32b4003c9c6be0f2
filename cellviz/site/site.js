/* cellviz static site: the host of the step player on a static page (and in the offline lecture export).
 *
 * The page's content was built in Python (cellviz/site): HTML with a placeholder per player section, and the
 * sections in the player's one format. This script only picks what to load from the URL and mounts it:
 *
 * - inline (the export): the sections are in <script type="application/json" id="cellviz-data">;
 * - site: the URL (query or hash, the app's names: model, part, sample_seed or source=typed with text and its
 *   opt_* options, layer, direction, step, units, lang; snapshot on the training page; slide, present on the
 *   tour) names a data file, loaded with a
 *   <script> tag that sets a global (works from file:// too, where fetch does not). The step is written back
 *   to the URL as it settles (history.replaceState), so the address bar is always a deep link to the view.
 *
 * No request ever leaves the site's folder: every path here is relative.
 */
(function () {
  "use strict";
  const main = document.getElementById("cv-main");

  /** Mount every placeholder's section. The first section with figures goes first and the rest once it is
   *  drawn, so that the first chart is not held up by every other figure of the page. */
  function mountAll(root, sections) {
    const P = window.CellvizPlayer;
    const holders = Array.from(root.querySelectorAll("[data-section]"));
    const drawn = div => new Promise(resolve => {
      const S = sections[Number(div.dataset.section)];
      const check = () => (div.dataset.ready === "1" || !S.panels.length ? resolve() : setTimeout(check, 15));
      check();
    });
    const firstFig = holders.findIndex(div => sections[Number(div.dataset.section)].panels.length);
    const now = holders.slice(0, firstFig + 1), later = holders.slice(firstFig + 1);
    const mine = mountAll.cleanups = [];
    const put = div => mine.push(P.mount(div, sections[Number(div.dataset.section)]));
    now.forEach(put);
    const first = firstFig >= 0 ? drawn(holders[firstFig]) : Promise.resolve();
    return first.then(() => {
      if (mountAll.cleanups !== mine) return;        // another page replaced this one meanwhile
      later.forEach(put);
      return Promise.all(holders.map(drawn));
    }).then(() => { document.body.dataset.ready = "1"; });
  }

  // --- the export: everything is in the page ----------------------------------------------------------
  const inline = document.getElementById("cellviz-data");
  if (inline) {
    mountAll(main, JSON.parse(inline.textContent));
    return;
  }

  // --- the site ---------------------------------------------------------------------------------------
  const M = window.CELLVIZ_SITE;
  const page = document.body.dataset.page;
  const STEP_PAGES = ["cell", "over_time", "gradients", "units"];
  function readParams() {
    const out = {};
    new URLSearchParams(location.search).forEach((v, k) => { out[k] = v; });
    const h = location.hash.replace(/^#/, "");
    if (h.indexOf("=") >= 0) new URLSearchParams(h).forEach((v, k) => { out[k] = v; });
    return out;
  }
  const raw = readParams();
  const problems = [];
  const lang = M.langs.indexOf(raw.lang) >= 0 ? raw.lang : (raw.lang && problems.push("lang=" + raw.lang), M.langs[0]);
  const T = M.texts[lang];
  document.documentElement.lang = lang === "zh" ? "zh-CN" : lang;
  const state = { lang };                      // what the URL says (validated), written back as it changes

  function int(name, lo, hi, dflt) {
    if (raw[name] === undefined) return dflt;
    const v = Number(raw[name]);
    if (!/^\s*\d+\s*$/.test(raw[name]) || v < lo || v > hi) { problems.push(name + "=" + raw[name].slice(0, 40)); return dflt; }
    return v;
  }
  function choice(name, options, dflt) {
    if (raw[name] === undefined) return dflt;
    if (options.indexOf(raw[name]) < 0) { problems.push(name + "=" + raw[name].slice(0, 40)); return dflt; }
    return raw[name];
  }
  function query(s, defaults) {            // only what differs from the defaults, in the app's order
    const q = new URLSearchParams();
    for (const k of Object.keys(s)) {
      if (s[k] === undefined || s[k] === null || String(s[k]) === String(defaults[k])) continue;
      q.set(k, String(s[k]));
    }
    const text = q.toString();
    return text ? "?" + text : "";
  }
  function href(file, s) { return file + query(s, M.defaults); }
  function writeURL() {
    const url = location.pathname.split("/").pop() + query(state, M.defaults);
    try { history.replaceState(null, "", url); } catch (e) { /* some file:// hosts refuse: the links still work */ }
    nav();                                   // the other pages' links and the language switch follow
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  // --- navigation: pages, language switch -------------------------------------------------------------
  function nav() {
    const el = document.getElementById("cv-nav");
    const keep = {};                         // a step page's input, layer, direction, step and units go along
    if (STEP_PAGES.indexOf(page) >= 0) Object.keys(state).forEach(k => { if (k !== "lang") keep[k] = state[k]; });
    const items = M.nav.map(p => {
      const s = Object.assign({ lang }, p.explorer ? keep : {});
      return '<a class="cv-nav-item' + (p.page === page ? " cv-here" : "") + '" href="' + esc(href(p.file, s)) + '">' +
             esc(T["page." + p.page] || p.page) + "</a>";
    });
    const other = M.langs.filter(l => l !== lang).map(l => {
      const s = Object.assign({}, state, { lang: l });
      return '<a class="cv-lang" lang="' + l + '" href="' + esc(location.pathname.split("/").pop() + query(s, M.defaults) ) +
             '">' + esc(M.texts[l]["lang.name"]) + "</a>";
    });
    el.innerHTML = '<a class="cv-brand" href="' + esc(href("index.html", { lang })) + '">cellviz</a>' + items.join("") +
                   '<span class="cv-spacer"></span><span class="cv-lang-label">' + esc(T["lang.label"]) + ":</span>" + other.join("");
  }
  function warn() {
    if (!problems.length) return;
    const box = document.createElement("p");
    box.className = "cv-warning";
    box.textContent = T["site.link.ignored"].replace("{items}", problems.slice(0, 10).join(", "));
    document.getElementById("cv-header").prepend(box);
  }
  function select(label, name, options, value, onchange) {
    const id = "cv-sel-" + name;
    const opts = options.map(o => '<option value="' + esc(o[0]) + '"' + (String(o[0]) === String(value) ? " selected" : "") +
                                 ">" + esc(o[1]) + "</option>").join("");
    return { html: '<label class="cv-pick" for="' + id + '">' + esc(label) + ' <select id="' + id + '">' + opts + "</select></label>",
             bind() { document.getElementById(id).addEventListener("change", e => onchange(e.target.value)); } };
  }
  function toolbar(picks) {
    const bar = document.createElement("div");
    bar.className = "cv-toolbar";
    bar.innerHTML = picks.map(p => p.html).join("");
    document.getElementById("cv-header").appendChild(bar);
    picks.forEach(p => p.bind());
  }
  function go(file, s) { location.href = href(file, s); }

  // --- data files -------------------------------------------------------------------------------------
  function load(key) {
    return new Promise((resolve, reject) => {
      const have = window.CELLVIZ_DATA && window.CELLVIZ_DATA[key];
      if (have) { resolve(have); return; }
      const s = document.createElement("script");
      s.src = "data/" + key + ".js";
      s.onload = () => (window.CELLVIZ_DATA && window.CELLVIZ_DATA[key] ? resolve(window.CELLVIZ_DATA[key])
                                                                        : reject(new Error("no data in " + s.src)));
      s.onerror = () => reject(new Error("could not load " + s.src));
      document.head.appendChild(s);
    });
  }
  function show(D, step) {
    header(D);
    return body(D, step);
  }
  function header(D) {
    const head = document.getElementById("cv-header");
    const h1 = document.createElement("h1");
    h1.textContent = D.title;
    head.prepend(h1);
    document.title = D.title + " · cellviz";
    if (D.intro && D.intro.length) {
      const intro = document.createElement("div");
      intro.className = "cv-intro";
      intro.innerHTML = D.intro.map(p => "<p>" + p + "</p>").join("");   // built from escaped catalogue text
      head.appendChild(intro);
    }
  }
  function body(D, step, onPick) {
    main.innerHTML = D.html;
    const bar = D.sections.find(S => S.controls);
    if (bar) {                              // the step bar's group: its step is in the URL (`step`, `tour_step`)
      const g = window.CellvizPlayer.group(bar.group), name = page === "tour" ? "tour_step" : "step";
      if (step !== undefined) g.step = step;
      g.sync = {
        setStateValue(k, v) { if (k === "step") { state[name] = v || undefined; writeURL(); } },
        setTriggerValue(k, v) { if (k === "pick" && onPick) onPick(v); },   // a clicked heatmap cell
      };
    }
    return mountAll(main, D.sections);
  }

  // --- units: the app's `units` (unit numbers separated by commas, at most MAX_UNITS; the first is the cell
  // diagram's and the coloured text's), drawn in the panels a page marks (`units`: pages.unit_texts) from the
  // input's every-unit file (pages.units_data). The figures are the app's, built for unit 0; a pick changes
  // their unit-dependent data and texts only.
  const MAX_UNITS = 8;                     // ui/links.py MAX_UNITS
  function parseUnits(text, H) {
    const parts = String(text).replace(/\s/g, "").split(",").filter(p => p);
    if (!parts.length || parts.length > MAX_UNITS) return null;
    const out = [];
    for (const p of parts) {
      if (!/^\d+$/.test(p) || Number(p) >= H) return null;
      if (out.indexOf(Number(p)) < 0) out.push(Number(p));
    }
    return out;
  }
  function unitValues(F) {                 // the file's arrays, and a unit's (T,) values of any quantity
    const P = window.CellvizPlayer, T = F.steps, H = F.units, arrays = {};
    for (const k in F.arrays) arrays[k] = P.decode(F.arrays[k]);
    return function column(key, u) {
      const d = F.derived[key], src = arrays[d ? d.series : key], out = new Array(T);
      const shift = d && d.shift || 0, init = d && d.initial ? P.decode(d.initial) : null;
      for (let t = 0; t < T; t++) {          // as the cell diagram's strips (player.js stripData)
        const j = t - shift;
        let v = j >= 0 && j < T ? src[j * H + u] : init ? init[u] : NaN;
        if (d && d.fn === "tanh") v = Math.tanh(v);
        out[t] = v;
      }
      return out;
    };
  }
  function withUnits(D0, units, column) {
    const D = JSON.parse(JSON.stringify(D0)), u0 = units[0], put = (text, u) => text.split("{unit}").join(String(u));
    D.sections.forEach(S => S.panels.forEach(p => {
      const spec = p.units;
      if (!spec) return;
      const fig = p.figure, L = fig && fig.layout;
      if (spec.kind === "heatmaps") {        // the dashed line of each row, at every picked unit
        const isUnit = s => s.type === "line" && /domain$/.test(String(s.xref)) && s.y0 === s.y1;
        const shapes = L.shapes || [], rows = [], seen = {};
        shapes.forEach(s => { if (isUnit(s) && !seen[s.yref]) { seen[s.yref] = 1; rows.push(s); } });
        L.shapes = shapes.filter(s => !isUnit(s));
        rows.forEach(s => units.forEach(u => L.shapes.push(Object.assign({}, s, { y0: u, y1: u }))));
      } else if (spec.kind === "traces") {   // one line per quantity and picked unit, coloured by its place
        const out = [];
        spec.rows.forEach((q, r) => units.forEach((u, k) => {
          const d = JSON.parse(JSON.stringify(fig.data[r]));
          Object.assign(d, { y: column(q, u), name: put(spec.name, u), legendgroup: String(u), showlegend: r === 0,
                             hovertemplate: put(spec.hovers[r], u) });
          d.line = Object.assign({}, d.line, { color: spec.colors[k % spec.colors.length] });
          out.push(d);
        }));
        fig.data = out;
        L.hovermode = spec.hovermode[units.length > 1 ? 1 : 0];
      } else if (spec.kind === "table") {    // the first unit's numbers
        p.title = put(spec.title, u0);
        p.rows.forEach((row, i) => { row.values = column(spec.rows[i], u0); });
      } else if (spec.kind === "cell") {     // the first unit outlined in the diagram's strips
        p.caption = put(spec.caption, u0);
        p.strips.forEach(s => { if (s.unit !== null && s.unit !== undefined) s.unit = u0; });
      } else if (spec.kind === "strip") {    // the input coloured by the first unit
        const v = column(spec.key, u0), per = spec.per_row, z = [];
        for (let r = 0; r * per < v.length; r++) {
          z.push(Array.from({ length: per }, (_, c) => (r * per + c < v.length ? v[r * per + c] : null)));
        }
        fig.data[0].z = z;
        L.title = Object.assign({}, L.title, { text: put(spec.title, u0) });
      }
    }));
    return D;
  }
  function footer() {
    document.getElementById("cv-footer").innerHTML = "<p>" + T["site.full_app"] + "</p><pre>" + esc(M.commands) + "</pre>";
  }
  function fail(e) {
    const p = document.createElement("p");
    p.className = "cv-warning";
    p.textContent = T["site.missing"] + " (" + e.message + ")";
    main.appendChild(p);
    document.body.dataset.ready = "error";
  }

  // --- page kinds -------------------------------------------------------------------------------------
  function sameOptions(a, b) {             // a built input's options and a link's opt_* values, as numbers
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && Number(a[k]) === Number(b[k]));
  }
  if (STEP_PAGES.indexOf(page) >= 0) {
    const names = Object.keys(M.models);
    const model = choice("model", names, M.defaults.model);
    const m = M.models[model];
    const part = choice("part", m.parts, m.parts[0]);
    let input = null;                      // a typed input built into the site (the card's showcase, the tour's)
    if (raw.text !== undefined && raw.source !== "sample") {
      const opts = {};
      Object.keys(raw).forEach(k => { if (/^opt_/.test(k)) opts[k.slice(4)] = raw[k]; });
      input = (m.inputs || []).find(i => i.text === raw.text && sameOptions(i.options, opts)) || null;
      if (!input) problems.push("text=" + raw.text.slice(0, 40) + " (" + T["site.typed.missing"] + ")");
    }
    const seed = input ? undefined : Number(choice("sample_seed", m.seeds.map(String), String(m.seeds[0])));
    const layer = int("layer", 0, m.layers - 1, 0);
    const direction = int("direction", 0, m.directions - 1, 0);
    const step = int("step", 0, 1000000, 0);
    const fill = s => s.replace("{max}", m.hidden - 1).replace("{most}", MAX_UNITS);
    let units = [0];
    if (raw.units !== undefined) {
      const u = parseUnits(raw.units, m.hidden);
      if (u) units = u; else problems.push(fill(T["site.units.bad"]).replace("{value}", raw.units.slice(0, 40)));
    }
    Object.assign(state, { model, part: part === m.parts[0] ? undefined : part, source: input ? "typed" : undefined,
                           sample_seed: seed, text: input ? input.text : undefined, layer, direction, step,
                           units: units.join(",") });
    const typedState = i => {
      const out = { source: "typed", text: i.text };
      Object.keys(i.options).sort().forEach(k => { out["opt_" + k] = i.options[k]; });
      return out;
    };
    if (input) Object.assign(state, typedState(input));
    const where = { lang, model, part: state.part, layer, direction, units: state.units };   // for another input
    nav();
    const file = page + ".html";
    const inputs = m.seeds.map(k => ["s" + k, T["site.sample_n"].replace("{n}", k)])
      .concat((m.inputs || []).map(i => [i.id, i.label]));
    const picks = [
      select(T["site.model"], "model", names.map(n => [n, n + " · " + M.models[n].label[lang]]), model,
             v => go(file, { lang, model: v })),
      select(T["site.sample"], "input", inputs, input ? input.id : "s" + seed, v => {
        const i = (m.inputs || []).find(x => x.id === v);
        go(file, Object.assign({}, where, i ? typedState(i) : { sample_seed: Number(v.slice(1)) }));
      }),
    ];
    const keep = () => Object.assign({}, state, { step: 0 });
    if (m.parts.length > 1) picks.push(select(T["site.part"], "part", m.parts.map(p => [p, M.texts[lang]["model.part." + p]]), part,
                                              v => go(file, Object.assign(keep(), { part: v }))));
    if (m.layers > 1) picks.push(select(T["nav.layer"], "layer", Array.from({ length: m.layers }, (_, k) => [k, String(k)]), layer,
                                        v => go(file, Object.assign({}, state, { layer: v }))));
    if (m.directions > 1) picks.push(select(T["nav.direction"], "direction", [[0, T["nav.direction.0"]], [1, T["nav.direction.1"]]], direction,
                                            v => go(file, Object.assign({}, state, { direction: v }))));
    let setUnits = () => {};
    if (page !== "gradients") {            // the pages that show units: a box in the app's syntax ("3,7")
      picks.push({ html: '<label class="cv-pick" for="cv-units">' + esc(T["site.units"]) + ' <input id="cv-units" type="text" size="12" value="' +
                         esc(state.units) + '" title="' + esc(fill(T["site.units.help"])) + '"></label>',
                   bind() {
                     const box = document.getElementById("cv-units");
                     box.addEventListener("change", () => {
                       const u = parseUnits(box.value, m.hidden);
                       box.setCustomValidity(u ? "" : fill(T["site.units.bad"]).replace("{value}", box.value.slice(0, 40)));
                       if (u) setUnits(u); else box.reportValidity();
                     });
                   } });
    }
    toolbar(picks);
    warn();
    footer();
    const at = [model, part, input ? input.id : "s" + seed, "l" + layer + "d" + direction].join("/");
    let column = null;                      // the input's every-unit values, loaded at the first pick
    const draw = (D0, k) => {
      const plain = units.length === 1 && units[0] === 0;
      document.body.dataset.ready = "0";
      return (plain || column ? Promise.resolve() : load(at + "/all_units").then(F => { column = unitValues(F); }))
        .then(() => {
          (mountAll.cleanups || []).forEach(c => c());
          return body(plain ? D0 : withUnits(D0, units, column), k, pick);
        }).then(() => { document.body.dataset.units = units.join(","); });
    };
    let page0 = null;
    const pick = v => {                     // the app's rule: the clicked unit first, the others after it
      if (!(v && v.unit >= 0 && v.unit < m.hidden)) return;
      setUnits([v.unit].concat(units.filter(u => u !== v.unit)).slice(0, MAX_UNITS));
    };
    setUnits = u => {
      units = u;
      state.units = u.join(",");
      const box = document.getElementById("cv-units");
      if (box) box.value = state.units;
      writeURL();
      if (page0) draw(page0, window.CellvizPlayer.group(page0.sections[0].group).step).catch(fail);
    };
    load([at, page + "." + lang].join("/"))
      .then(D => { page0 = D; header(D); return draw(D, step); }).catch(fail);
  } else if (page === "index") {
    nav();
    warn();
    footer();
    load("index." + lang).then(D => show(D)).catch(fail);
  } else if (page === "compare") {
    nav();
    warn();
    footer();
    load("compare." + lang).then(D => show(D)).catch(fail);
  } else if (page === "exploding") {
    const E = M.exploding;
    const r = choice("expl_radius", E.radius.map(String), String(E.defaults.radius));
    const n = choice("expl_steps", E.steps.map(String), String(E.defaults.steps));
    const c = choice("expl_threshold", E.threshold.map(String), String(E.defaults.threshold));
    Object.assign(state, { expl_radius: r, expl_steps: n, expl_threshold: c });
    nav();
    const cur = { lang, expl_radius: r, expl_steps: n, expl_threshold: c };
    toolbar([
      select(T["expl.radius"], "expl_radius", E.radius.map(v => [v, String(v)]), r, v => go("exploding.html", Object.assign({}, cur, { expl_radius: v }))),
      select(T["expl.steps"], "expl_steps", E.steps.map(v => [v, String(v)]), n, v => go("exploding.html", Object.assign({}, cur, { expl_steps: v }))),
      select(T["expl.threshold"], "expl_threshold", E.threshold.map(v => [v, String(v)]), c, v => go("exploding.html", Object.assign({}, cur, { expl_threshold: v }))),
    ]);
    warn();
    footer();
    load("exploding/r" + r + "-T" + n + "-c" + c + "." + lang).then(D => show(D)).catch(fail);
  } else if (page === "training") {
    const names = Object.keys(M.training);
    const model = choice("model", names, names[0]);
    const snaps = M.training[model];
    const snapshot = choice("snapshot", snaps, snaps[0]);
    Object.assign(state, { model, snapshot });
    nav();
    const labels = M.snapshot_labels[lang];
    toolbar([
      select(T["site.model"], "model", names.map(x => [x, x]), model, v => go("training.html", { lang, model: v })),
      select(T["training.slider"], "snapshot", snaps.map(s => [s, labels[s] || s]), snapshot,
             v => go("training.html", { lang, model, snapshot: v })),
    ]);
    warn();
    footer();
    load("training/" + model + "/" + snapshot + "." + lang).then(D => show(D)).catch(fail);
  }

  // --- the guided tour: slides as pages, presentation mode, presenter view ----------------------------
  function tour() {
    const TT = M.tour, n = TT.slides.length;
    const present = raw.present === "1" || raw.present === "true";
    const presenter = raw.presenter === "1" || raw.presenter === "true";
    let k = int("slide", 1, n, 1);
    let firstStep = int("tour_step", 0, 1000000, 0);
    const opts = {};
    for (const name in TT.options) {
      const o = TT.options[name];
      opts[name] = Number(choice(o.param, o.values.map(String), String(o.default)));
    }
    if (present) document.body.classList.add("cv-present");
    if (presenter) document.body.classList.add("cv-presenter");
    const channel = window.BroadcastChannel ? new BroadcastChannel("cellviz-tour") : null;
    const started = Date.now();
    function key(j) {
      const name = TT.slides[j - 1], o = TT.options[name];
      return "tour/" + name + (o ? "-" + o.param + opts[name] : "") + "." + lang;
    }
    function fitFigures(D) {        // presentation: charts take the screen's height, fonts scale with it
      if (!(present || presenter)) return D;
      const px = Math.max(12, Math.round(window.innerHeight / (presenter ? 80 : 60)));
      D.sections.forEach(S => S.panels.forEach(p => {
        if (!p.figure) return;
        const L = p.figure.layout;
        delete L.height; delete L.width;
        L.autosize = true;
        L.font = Object.assign({}, L.font || {}, { size: px });
      }));
      return D;
    }
    function render() {
      Object.assign(state, { slide: k, present: present ? 1 : undefined, presenter: presenter ? 1 : undefined });
      for (const name in TT.options) state[TT.options[name].param] = opts[TT.slides[k - 1]] !== undefined && TT.slides[k - 1] === name ? opts[name] : undefined;
      return load(key(k)).then(D0 => {
        const D = fitFigures(JSON.parse(JSON.stringify(D0)));
        (mountAll.cleanups || []).forEach(c => c());
        D.sections.forEach(S => { S.keyboard = !(present || presenter); });   // the slides keep the keys
        const head = document.getElementById("cv-header");
        head.innerHTML = "";
        const bar = document.createElement("div");
        bar.className = "cv-tourbar";
        bar.innerHTML = '<button type="button" class="cv-prev"' + (k <= 1 ? " disabled" : "") + ">← " + esc(T["tour.prev"]) + "</button>" +
          '<span class="cv-count">' + k + " / " + n + "</span>" +
          '<button type="button" class="cv-next"' + (k >= n ? " disabled" : "") + ">" + esc(T["tour.next"]) + " →</button>" +
          (present || presenter ? "" : ' <a class="cv-present-link" href="' + esc(href("tour.html", Object.assign({}, state, { present: 1 }))) + '">' + esc(T["tour.present"]) + "</a>" +
           ' <a class="cv-presenter-link" target="cellviz-presenter" href="' + esc(href("tour.html", Object.assign({}, state, { presenter: 1, present: undefined }))) + '">' + esc(T["tour.presenter"]) + "</a>");
        head.appendChild(bar);
        bar.querySelector(".cv-prev").onclick = () => go_(k - 1);
        bar.querySelector(".cv-next").onclick = () => go_(k + 1);
        const name = TT.slides[k - 1], o = TT.options[name];
        if (o) {
          const spec = D.extra.options[o.option] || {};
          const sel = select(spec.label || o.option, o.param, o.values.map(v => [v, String(v)]), opts[name],
                             v => { opts[name] = Number(v); render(); });
          const box = document.createElement("div"); box.className = "cv-toolbar"; box.innerHTML = sel.html;
          head.appendChild(box); sel.bind();
        }
        state.tour_step = firstStep || undefined;
        show(D, firstStep);
        firstStep = 0;
        if (D.extra.explore && !(present || presenter)) {
          const a = document.createElement("p");
          a.innerHTML = '<a href="' + esc(D.extra.explore) + '">' + esc(T["site.tour.explore"]) + "</a>";
          main.appendChild(a);
        }
        if (presenter) {
          const side = document.createElement("aside");
          side.className = "cv-presenter-side";
          const next = k < n ? T["tour.presenter.next"].replace("{title}", TT.titles[lang][k]) : T["tour.presenter.last"];
          side.innerHTML = '<p class="cv-clock"></p><p class="cv-next-title">' + esc(next) + '</p><h3>' + esc(T["tour.notes"]) + "</h3>" + D.extra.notes;
          main.appendChild(side);
          const clock = side.querySelector(".cv-clock");
          const tick = () => {
            const s = Math.round((Date.now() - started) / 1000);
            clock.textContent = T["tour.presenter.clock"] + " " + new Date().toLocaleTimeString() + " · " +
              Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
          };
          tick(); clearInterval(render.clock); render.clock = setInterval(tick, 1000);
        } else if (!present && D.extra.notes) {
          const notes = document.createElement("details");
          notes.className = "cv-notes";
          notes.innerHTML = "<summary>" + esc(T["tour.notes"]) + "</summary>" + D.extra.notes;
          main.appendChild(notes);
        }
        writeURL();
      }).catch(fail);
    }
    function go_(j, quiet) {
      j = Math.max(1, Math.min(n, j));
      if (j === k) return;
      k = j;
      if (channel && !quiet) channel.postMessage({ slide: k });
      render();
    }
    if (channel) channel.onmessage = e => { if (e.data && e.data.slide) go_(e.data.slide, true); };
    document.addEventListener("keydown", e => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const t = e.target, tag = (t && t.tagName || "").toLowerCase();
      if (tag === "select" || tag === "input" || tag === "textarea") return;
      const arrows = present || presenter;          // → / ← change slides when presenting (else they step)
      const d = { PageDown: 1, PageUp: -1 }[e.key] || (arrows ? { ArrowRight: 1, ArrowLeft: -1, " ": 1 }[e.key] : 0);
      if (d) { go_(k + d); e.preventDefault(); e.stopPropagation(); }
      else if (e.key === "Escape" && present) { location.href = href("tour.html", Object.assign({}, state, { present: undefined })); }
    }, true);
    nav();
    warn();
    if (!(present || presenter)) footer();
    render();
  }
  if (page === "tour") tour();
  // every page: the address bar says what is shown (malformed values replaced by defaults)
  if (page !== "tour") writeURL();
})();
