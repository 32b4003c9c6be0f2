/* The guided tour's host code in the browser (a Custom Component v2 mounted once per run of the tour page):
 *  - keys: in presentation mode and in the presenter view, PageDown / PageUp / → / ← change slides whatever has
 *    focus (a capture listener on window, ahead of the step slider and of every other control), Esc leaves;
 *  - a slide change stops Play and drops the old slide's pending step report (the new slide starts at step 0);
 *  - the projected window and the presenter view follow each other (BroadcastChannel "cellviz-tour");
 *  - presentation mode fits the screen: Plotly fonts are set from the viewport height (≥ 1/60 of it) and the
 *    slide's charts take the height left, so that nothing scrolls or is clipped;
 *  - the presenter view's clock.
 * Data: {slide, n, present, presenter, lang}. Triggers: goto (a slide number), exit. */
export default function (c) {
  const d = c.data || {};
  const W = (window.__cellvizTour = window.__cellvizTour || { fitted: {} });
  W.c = c;
  W.d = d;
  W.n = d.n || 1;
  const moved = W.cur !== d.slide;
  W.cur = d.slide;
  W.pending = null;

  function players() {
    const reg = window.__cellvizPlayer;
    return reg && reg.groups ? Object.entries(reg.groups).filter(([name]) => name.indexOf("tour") >= 0) : [];
  }
  function stopPlayers() {       // Play stops, and no step report of the old slide reaches the server after the change
    for (const [, g] of players()) {
      if (g.play && g.timer) g.play(false);
      if (g.syncTimer) clearTimeout(g.syncTimer);
      g.syncTimer = null;
      g.sent = g.step;
    }
  }
  W.go = function (k, fromPeer) {
    const target = Math.max(1, Math.min(W.n, k | 0));
    if (target === (W.pending || W.cur)) return;
    stopPlayers();
    W.pending = target;
    W.c.setTriggerValue("goto", target);
    if (!fromPeer && W.bc) W.bc.postMessage({ slide: target });
  };
  if (!W.bc && typeof BroadcastChannel !== "undefined") {
    W.bc = new BroadcastChannel("cellviz-tour");
    W.bc.onmessage = e => {
      const m = e.data || {};
      if (typeof m.slide === "number" && m.slide !== (W.pending || W.cur)) W.go(m.slide, true);
    };
  }
  if (moved && W.bc) W.bc.postMessage({ slide: d.slide });     // a button click moved this window: tell the other
  if (!W.keys) {
    W.keys = true;
    window.addEventListener("click", e => {       // normal mode: a click on previous / next stops Play first
      const t = e.target && e.target.closest && e.target.closest(".st-key-tour_next, .st-key-tour_prev");
      if (t) stopPlayers();
    }, true);
    window.addEventListener("keydown", e => {
      const D = W.d || {};
      const moves = { PageDown: 1, ArrowRight: 1, PageUp: -1, ArrowLeft: -1 };
      if (!(D.present || D.presenter)) {           // normal mode: the buttons' own shortcuts turn the slide
        if (e.key in moves && !e.altKey && !e.ctrlKey && !e.metaKey) stopPlayers();
        return;
      }
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key in moves) {
        e.preventDefault();
        e.stopImmediatePropagation();
        W.go((W.pending || W.cur) + moves[e.key]);
      } else if (e.key === "Escape" && D.present) {
        e.preventDefault();
        e.stopImmediatePropagation();
        W.c.setTriggerValue("exit", Date.now());
      }
    }, true);
  }

  // --- presentation mode: fonts from the viewport, charts take the height that is left ---------------------
  function visibleBottom(root) {
    let bottom = 0;
    for (const el of root.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden")
        bottom = Math.max(bottom, r.bottom + window.scrollY);
    }
    return bottom;
  }
  function fontUpdate(gd, fs) {
    const full = gd._fullLayout || {}, u = { "font.size": fs, "title.font.size": Math.round(fs * 1.15),
                                              "legend.font.size": fs, "hoverlabel.font.size": fs };
    for (const k of Object.keys(full)) {
      if (/^[xy]axis\d*$/.test(k)) {
        u[k + ".tickfont.size"] = fs; u[k + ".title.font.size"] = fs; u[k + ".automargin"] = true;
      } else if (/^coloraxis\d*$/.test(k)) {
        u[k + ".colorbar.tickfont.size"] = fs; u[k + ".colorbar.title.font.size"] = fs;
      }
    }
    (gd.layout.annotations || []).forEach((a, i) => { u["annotations[" + i + "].font.size"] = fs; });
    u["margin.t"] = Math.round(fs * (gd.layout.title && gd.layout.title.text ? 3.4 : 1.6));
    u["margin.l"] = Math.round(fs * 4.2);
    u["margin.b"] = Math.round(fs * 3.2);
    return u;
  }
  function fit() {
    const D = W.d || {};
    if (!D.present || !window.Plotly) return;
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return;
    const vh = window.innerHeight, vw = window.innerWidth;
    const fs = Math.max(11, Math.round(vh / 50));
    const figs = Array.from(main.querySelectorAll(".cvp-fig")).filter(gd => gd._fullLayout && gd.offsetParent);
    if (!figs.length) return;
    for (const gd of figs) {
      if (gd.__cvtFont === fs) continue;
      gd.__cvtFont = fs;
      window.Plotly.relayout(gd, fontUpdate(gd, fs));
    }
    const key = D.slide + ":" + vw + "x" + vh;
    const tries = (W.fitted[key] = (W.fitted[key] || 0));
    if (tries > 8) return;
    const over = visibleBottom(main) - (vh - 4);
    if (over > 2 || over < -24) {
      W.fitted[key] = tries + 1;
      for (const gd of figs) {
        const h = gd._fullLayout.height || gd.offsetHeight;
        const next = Math.max(120, Math.round(h - over - (over < 0 ? 8 : 0)));
        if (Math.abs(next - h) >= 2) window.Plotly.relayout(gd, { height: next });
      }
    }
  }
  if (!W.fitter) {
    W.fitter = setInterval(fit, 350);
    window.addEventListener("resize", () => { W.fitted = {}; });
  }
  if (moved) W.fitted = {};

  // --- the presenter view's clock ------------------------------------------------------------------------
  if (d.presenter) {
    let box = c.parentElement.querySelector(".cvt-clock");
    if (!box) {
      box = document.createElement("div");
      box.className = "cvt-clock";
      c.parentElement.appendChild(box);
    }
    const tick = () => {
      const now = new Date();
      box.textContent = (d.clock || "") + " " + now.toLocaleTimeString(d.lang === "zh" ? "zh-CN" : "en-GB");
    };
    tick();
    clearInterval(W.clock);
    W.clock = setInterval(tick, 1000);
  }
  return undefined;
}
