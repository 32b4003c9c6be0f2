/* cellviz step player, the host's side channel (a tiny Custom Component v2, separate from player.js so that
 * what changes per step stays small): the step goes back to Python as component state (setStateValue, sent
 * debounced by the player), heatmap clicks as a trigger, and the server moves the step (`seq` changes) or
 * sends per-step data computed in Python (`server`). Works before or after player.js has loaded. */
export default function (c) {
  const reg = (window.__cellvizPlayer = window.__cellvizPlayer || { groups: {} });
  const d = c.data || {};
  const g = reg.groups[d.group] || (reg.groups[d.group] = {});
  g.sync = { setStateValue: c.setStateValue, setTriggerValue: c.setTriggerValue };
  if (g.lastSeq !== d.seq) {
    g.lastSeq = d.seq;
    if (g.seek) g.seek(d.step); else g.pendingSeek = d.step;
  }
  if (d.server) { if (g.server) g.server(d.server); else g.serverData = d.server; }
  return () => { delete g.lastSeq; g.sync = null; };
}
