"""What the claims experiment (assets/claims.json, schema 2) says: pure functions, no Streamlit.

The Compare page, the tour's slide 6 and the README read the table only through these functions, so every
sentence and number they show is computed here from the json, in the active language (`cellviz.i18n`).

Schema 2 (written by `cellviz.zoo.claims_experiment`)::

    {"schema": 2, "command", "protocol" {rows {row: {cell, init}}, seeds, hidden, optimiser {name, lr, clip}, batch,
     val_every, val_n, test_n, grad_examples, versions}, "executor", "machine", "seconds", "cpu_seconds",
     "cpu_seconds_runs",
     "tasks" {task: {"name", "level_name" ("lag" | "length"), "metric" ("accuracy" | "mse"),
                     "learned" {metric, op, value}, "chance"/"one_bit" (accuracy) or "baseline"/"one_value" (mse),
                     "spec" {levels, min_level, stuck_limit, test_levels, scratch_levels, scratch_budget, grad_level,
                             reference, options}, "curriculum" {...},
                     "rows" {row: {"cell", "init", "largest" [per seed], "ended" [per seed: done | stuck | budget],
                                   "steps" [per seed], "steps_to_learn" {level: [step | None per seed]},
                                   "score" {test level: [per seed]},
                                   "grad_init" {"k", "h" [per seed], "h_floor" [k | None per seed], "c", "c_floor"},
                                   "from_scratch" {"steps_to_learn" {level: [...]}, "steps" {level: [...]},
                                                   "score" {level: [...]}, "largest" [per seed]}}}}}}

Censoring: a level not learned is None ("not within budget": the run stopped after `stuck_limit` steps on it, or
never reached it); a run that learned the top level ("done") has a largest level of "≥ top", since it was never
asked for more. Medians are taken with censored values ordered last, so a median that falls on one is censored.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..i18n import t

SCHEMA = 2
ROW_ORDER = ("rnn", "lstm", "lstm-forget1", "lstm-chrono", "gru", "gru-keep1")
FLOAT32_TINY = float(np.finfo(np.float32).tiny)


def is_v2(table: dict) -> bool:
    return isinstance(table, dict) and table.get("schema") == SCHEMA and "tasks" in table


def read(table: dict) -> dict:
    """The table itself after checking it is schema 2 (ValueError naming what is wrong otherwise)."""
    if not isinstance(table, dict):
        raise ValueError("the claims table is not a JSON object")
    if table.get("schema") != SCHEMA:
        raise ValueError(f"the claims table has schema {table.get('schema', 1)!r}, not {SCHEMA}: rerun "
                         "python -m cellviz.zoo.claims_experiment")
    for name, task in table.get("tasks", {}).items():
        for key in ("spec", "rows", "metric", "learned"):
            if key not in task:
                raise ValueError(f"task {name!r} of the claims table has no {key!r}")
    return table


def task_names(table: dict) -> list[str]:
    return list(table["tasks"])


def row_label(row: str) -> str:
    return t(f"plot.claims.row.{row}") if row in ROW_ORDER else row


def task_label(task: str) -> str:
    return t(f"claims.task.{task}")


# --- censored summaries ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Summary:
    """Median and min–max over seeds of values some of which are censored.

    `median`/`lo`/`hi` are numbers, or None when censored above ("not within budget" for steps); `at_least`
    marks a value known only from below (a largest level of "≥ top")."""

    median: float | None
    lo: float | None
    hi: float | None
    n: int                       # seeds
    censored: int                # how many of them are censored
    at_least: bool = False       # median/hi are lower bounds ("≥")
    hi_known: float | None = None    # the largest uncensored value

    @property
    def known(self) -> bool:
        return self.median is not None


def steps_summary(values: Sequence[int | None]) -> Summary:
    """Steps to learn a level over seeds; None = not learned within the budget (ordered after every number)."""
    n = len(values)
    got = sorted(v for v in values if v is not None)
    ordered = got + [None] * (n - len(got))
    if n == 0:
        return Summary(None, None, None, 0, 0)
    mid = ordered[(n - 1) // 2], ordered[n // 2]
    med = None if None in mid else (mid[0] + mid[1]) / 2
    return Summary(med, got[0] if got else None, got[-1] if len(got) == n else None, n, n - len(got),
                   hi_known=got[-1] if got else None)


def level_summary(largest: Sequence[int], ended: Sequence[str], top: int) -> Summary:
    """The largest level learned over seeds; a run that learned `top` counts as "≥ top"."""
    v = sorted(int(x) for x in largest)
    n = len(v)
    if n == 0:
        return Summary(None, None, None, 0, 0)
    done = sum(1 for x, e in zip(largest, ended) if e == "done" or int(x) >= top)
    med = float(np.median(v))
    return Summary(med, v[0], v[-1], n, done, at_least=med >= top)


def fmt_steps(s: Summary) -> str:
    """"130 (120–150)", "130 (120–140; 1 of 5 not within budget)", "not within budget (2 of 5 learned it, the
    fastest at 700)" or "not within budget"."""
    if s.n == 0:
        return "—"
    if not s.known:
        if s.lo is None:
            return t("claims.not_within")
        return t("claims.not_within_some", k=s.n - s.censored, seeds=s.n, lo=_n(s.lo))
    med = _n(s.median)
    if s.censored:
        return t("claims.range_c", med=med, lo=_n(s.lo), hi=_n(s.hi_known), n=s.censored, seeds=s.n)
    return med if s.lo == s.hi else t("claims.range", med=med, lo=_n(s.lo), hi=_n(s.hi))


def fmt_level(s: Summary, top: int) -> str:
    """"≥ 320", "40 (20–80)", "none"."""
    if s.n == 0:
        return "—"

    def word(v, ge=False):
        return t("compare.claims.none") if not v else (f"≥ {_n(v)}" if ge else _n(v))
    med = word(s.median, s.median >= top)
    if s.lo == s.hi:
        return med
    return t("claims.range", med=med, lo=word(s.lo, s.lo >= top), hi=word(s.hi, s.hi >= top))


def _n(v) -> str:
    return f"{int(round(v))}" if v is not None and float(v).is_integer() else f"{v:.0f}" if v is not None else "—"


# --- per task -------------------------------------------------------------------------------------------
def _task(table: dict, task: str) -> dict:
    return table["tasks"][task]


def rows_of(table: dict, task: str) -> list[str]:
    rows = _task(table, task)["rows"]
    return [r for r in ROW_ORDER if r in rows] + [r for r in rows if r not in ROW_ORDER]


def reference_level(table: dict, task: str) -> int:
    spec = _task(table, task)["spec"]
    ref = int(spec.get("reference", 80))
    return ref if ref in spec["levels"] else min(spec["levels"], key=lambda L: abs(L - ref))


def largest(table: dict, task: str, row: str) -> Summary:
    d, top = _task(table, task)["rows"][row], _task(table, task)["spec"]["levels"][-1]
    return level_summary(d["largest"], d["ended"], top)


def steps_to(table: dict, task: str, row: str, level: int) -> Summary:
    return steps_summary(_task(table, task)["rows"][row]["steps_to_learn"][str(level)])


def scratch_steps(table: dict, task: str, row: str, level: int) -> Summary:
    return steps_summary(_task(table, task)["rows"][row]["from_scratch"]["steps_to_learn"][str(level)])


def grad_k(table: dict, task: str, near: int | None = None) -> int:
    """The measured distance k closest to `near` (default: the task's reference level)."""
    near = reference_level(table, task) if near is None else near
    ks = next(iter(_task(table, task)["rows"].values()))["grad_init"]["k"]
    return min(ks, key=lambda k: abs(k - near))


def grad_at(table: dict, task: str, row: str, k: int, q: str = "h") -> tuple[float | None, bool]:
    """The median over seeds of the normalised gradient at distance k, and whether it is below float32's range
    (the median seed's gradient had underflowed by k)."""
    g = _task(table, task)["rows"][row]["grad_init"]
    i = g["k"].index(k)
    vals, floors = [s[i] for s in g[q]], g.get(q + "_floor", [None] * len(g[q]))
    under = [f is not None and k >= f for f in floors]
    med = float(np.median([0.0 if u else float(v) for v, u in zip(vals, under)]))
    return med, sum(under) * 2 > len(under)


def fmt_grad(value: float | None, under: bool) -> str:
    if under:
        return t("claims.below_f32")
    return "—" if value is None else f"{value:.1e}"


def learned_rule(table: dict, task: str) -> str:
    d = _task(table, task)
    rule = d["learned"]
    if d["metric"] == "mse":
        return t("claims.rule.mse", value=rule["value"], baseline=f"{d['baseline']:.3f}",
                 one_value=f"{d['one_value']:.3f}")
    return t("claims.rule.accuracy", value=f"{rule['value']:.0%}", chance=f"{d.get('chance', 0.25):.0%}")


def table_rows(table: dict, task: str) -> list[dict]:
    """One dict per row, in the active language, columns: row, largest level, steps to each level, from scratch
    per level, gradient at the reference distance."""
    d = _task(table, task)
    spec = d["spec"]
    top, k = spec["levels"][-1], grad_k(table, task)
    name = t(f"claims.level.{d['level_name']}")
    out = []
    for row in rows_of(table, task):
        r = {t("claims.col.row"): row_label(row),
             t("claims.col.largest", level=name): fmt_level(largest(table, task, row), top)}
        for L in spec["levels"]:
            r[t("claims.col.steps_to", level=name, L=L)] = fmt_steps(steps_to(table, task, row, L))
        for L in spec["scratch_levels"]:
            r[t("claims.col.scratch", level=name, L=L)] = fmt_steps(scratch_steps(table, task, row, L))
        r[t("claims.col.grad", k=k)] = fmt_grad(*grad_at(table, task, row, k))
        out.append(r)
    return out


# --- the headline ----------------------------------------------------------------------------------------
def short_label(row: str) -> str:
    """A row's short name for sentences ("LSTM b_f=1")."""
    return t(f"claims.short.{row}") if row in ROW_ORDER else row


def _names(rows: Sequence[str], every: Sequence[str] = ()) -> str:
    """The rows' short names, or "every row" / "every gated row" when that is what they are."""
    rows = list(rows)
    if every and len(rows) > 1 and set(rows) == set(every):
        return t("claims.head.every")
    gated = [r for r in every if r != "rnn"]
    if len(rows) > 1 and gated and set(rows) == set(gated):
        return t("claims.head.every_gated")
    return t("list.sep").join(short_label(r) for r in rows)


def _level_word(table: dict, task: str, s: Summary) -> str:
    top = _task(table, task)["spec"]["levels"][-1]
    if not s.median:
        return t("claims.head.none")
    return (f"≥ {_n(s.median)}" if s.median >= top else _n(s.median))


def headline(table: dict, task: str) -> str:
    """One sentence, computed from the table: which rows reach which level (median over seeds), how fast they
    learn the reference level, what initialisation changes, and whether the RNN needed a gate."""
    d = _task(table, task)
    rows = rows_of(table, task)
    seeds = len(table["protocol"]["seeds"])
    name = t(f"claims.level.{d['level_name']}")
    ref = reference_level(table, task)
    big = {r: largest(table, task, r) for r in rows}
    groups: dict[float, list[str]] = {}
    for r in rows:
        groups.setdefault(big[r].median or 0, []).append(r)
    reach = t("list.sep2").join(t("claims.head.reach", rows=_names(g, rows), level=_level_word(table, task, big[g[0]]))
                                for _, g in sorted(groups.items(), key=lambda kv: -kv[0]))
    speed = {r: steps_to(table, task, r, ref) for r in rows}
    known = {r: s.median for r, s in speed.items() if s.known}
    parts = [t("claims.head.start", task=task_label(task), seeds=seeds, name=name, reach=reach)]
    if known:
        fast, slow = min(known, key=known.get), max(known, key=known.get)
        if fast == slow or known[fast] == known[slow]:
            parts.append(t("claims.head.speed1", rows=_names([r for r in known if known[r] == known[fast]]),
                           name=name, L=ref, steps=_n(known[fast])))
        else:
            parts.append(t("claims.head.speed", name=name, L=ref, fast=short_label(fast), fsteps=_n(known[fast]),
                           slow=short_label(slow), ssteps=_n(known[slow])))
        missing = [r for r in rows if r not in known]
        if missing:
            parts.append(t("claims.head.not_ref", rows=_names(missing), name=name, L=ref))
    else:
        parts.append(t("claims.head.no_ref", name=name, L=ref))
    parts.append(_init_clause(table, task, rows, big, speed))
    parts.append(_gate_clause(table, task, rows, big))
    return t("claims.head.join").join(p for p in parts if p) + t("claims.head.end")


def _init_clause(table, task, rows, big, speed) -> str:
    """What initialisation changed, per cell with several inits: the largest level, or the speed (≥ 1.5×)."""
    out = []
    ref = reference_level(table, task)
    for cell in ("lstm", "gru"):
        same = [r for r in rows if _task(table, task)["rows"][r]["cell"] == cell]
        if len(same) < 2:
            continue
        levels = {r: big[r].median or 0 for r in same}
        if len(set(levels.values())) > 1:
            out.append(t("claims.head.init_level", cell=cell.upper(), values=t("list.sep").join(
                f"{short_label(r)} {_level_word(table, task, big[r])}" for r in same)))
            continue
        sp = {r: speed[r].median for r in same if speed[r].known}
        if len(sp) == len(same) and min(sp.values()) > 0 and max(sp.values()) >= 1.5 * min(sp.values()):
            out.append(t("claims.head.init_speed", cell=cell.upper(), L=ref, values=t("list.sep").join(
                f"{short_label(r)} {_n(sp[r])}" for r in same)))
        else:
            out.append(t("claims.head.init_none", cell=cell.upper()))
    return t("list.sep2").join(out)


def _gate_clause(table, task, rows, big) -> str:
    """The hypothesis that a gate is needed: the RNN against the gated rows (median largest level)."""
    if "rnn" not in rows or len(rows) < 2:
        return ""
    rnn = big["rnn"].median or 0
    gated = {r: big[r].median or 0 for r in rows if r != "rnn"}
    if rnn >= max(gated.values()):
        return t("claims.head.gate_fails")
    if rnn < min(gated.values()):
        return t("claims.head.gate_holds")
    return t("claims.head.gate_some", rows=_names([r for r, v in gated.items() if v <= rnn]))


def protocol_notes(table: dict, task: str) -> str:
    """The protocol of one task, as markdown (for the collapsed details and the slide notes)."""
    p, d = table["protocol"], _task(table, task)
    spec, cur = d["spec"], d["curriculum"]
    name = t(f"claims.level.{d['level_name']}")
    return t(f"claims.protocol.{task}", **spec.get("options", {})) + " " + t(
        "claims.protocol", rows=len(d["rows"]), seeds=len(p["seeds"]), hidden=p["hidden"], lr=p["optimiser"]["lr"],
        batch=p["batch"], clip=p["optimiser"]["clip"], levels=t("list.sep").join(map(str, spec["levels"])),
        name=name, min_level=spec["min_level"], every=cur["val_every"], val_n=cur["val_n"],
        rule=learned_rule(table, task), stuck=spec["stuck_limit"],
        scratch=t("list.sep").join(map(str, spec["scratch_levels"])), scratch_budget=spec["scratch_budget"],
        grad_n=p["grad_examples"], grad_level=spec["grad_level"])


def run_note(table: dict) -> str:
    """How the committed table was made: command, wall and CPU time, executor, machine."""
    m = table.get("machine", {})
    return t("claims.run", command=table.get("command", ""), minutes=f"{table.get('seconds', 0) / 60:.0f}",
             cpu=f"{table.get('cpu_seconds_runs', table.get('cpu_seconds', 0)) / 60:.0f}",
             workers=table.get("executor", {}).get("workers", "?"), cpus=m.get("cpus", "?"),
             note=m.get("note") or "—")


def slide(table: dict, task: str = "prefix") -> dict:
    """Slide 6's content: {"headline": one sentence, "figure": one chart (largest level per row, every seed),
    "notes": markdown (every task's headline, the protocol, the run)}."""
    from ..plots.compare import claims_levels           # plots import nothing from here at module level
    task = task if task in table["tasks"] else task_names(table)[0]
    notes = [f"- **{task_label(n)}**: {headline(table, n)}" for n in task_names(table)]
    notes += [f"- {protocol_notes(table, n)}" for n in task_names(table)]
    notes.append(f"- {run_note(table)}")
    return {"headline": headline(table, task), "figure": claims_levels(table, task), "notes": "\n".join(notes),
            "task": task}


# --- the v1 shape, for readers written against schema 1 ----------------------------------------------------
def v1_view(table: dict, task: str = "lag") -> dict:
    """The `task`'s part of a schema-2 table in the schema-1 shape ({"chance", "one_bit", "protocol", "rows"}),
    so code written against v1 keeps reading the lag task."""
    d, p = _task(table, task), table["protocol"]
    spec, cur = d["spec"], d["curriculum"]
    rows = {}
    for row, r in d["rows"].items():
        rows[row] = {"cell": r["cell"], "init": r["init"], "largest_lag": r["largest"], "steps": r["steps"],
                     "ended": r["ended"], "steps_to_learn": r["steps_to_learn"], "accuracy": r["score"],
                     "grad_ratio_init": {q: v for q, v in r["grad_init"].items() if not q.endswith("_floor")},
                     "from_scratch": {"lags": spec["scratch_levels"],
                                      "steps_to_learn": r["from_scratch"]["steps_to_learn"],
                                      "accuracy": r["from_scratch"]["score"],
                                      "largest_lag": r["from_scratch"]["largest"]}}
    protocol = {**p, "curriculum": cur, "test_lags": spec["test_levels"], "test_n": p.get("test_n"),
                "grad_lag": spec["grad_level"], "scratch_lags": spec["scratch_levels"],
                "scratch_budget": spec["scratch_budget"]}
    return {"chance": d.get("chance", 0.25), "one_bit": d.get("one_bit", 0.5), "protocol": protocol, "rows": rows}


def with_v1_view(table: dict) -> dict:
    """A schema-2 table with the lag task's v1 keys added ("rows", "chance", "one_bit", and the v1 protocol
    keys), for readers written against schema 1; other tables unchanged."""
    if not is_v2(table) or "lag" not in table["tasks"]:
        return table
    v1 = v1_view(table, "lag")
    out = dict(table)
    out["rows"], out["chance"], out["one_bit"] = v1["rows"], v1["chance"], v1["one_bit"]
    out["protocol"] = {**v1["protocol"], **table["protocol"]}
    return out


def isfinite(v) -> bool:
    return v is not None and math.isfinite(v)


def markdown_table(table: dict) -> str:
    """The README's table (English): task × row → largest level learned with the curriculum, steps to the task's
    reference level (median, min–max, censoring marked), from scratch, the gradient at initialisation."""
    lines = ["| task | row | largest level learned | steps to the reference level | from scratch: steps to "
             "each level | gradient at init, k back |", "|---|---|---|---|---|---|"]
    for task in task_names(table):
        d = _task(table, task)
        spec, ref, k = d["spec"], reference_level(table, task), grad_k(table, task)
        name = t(f"claims.level.{d['level_name']}")
        for row in rows_of(table, task):
            scratch = "; ".join(f"{L}: {fmt_steps(scratch_steps(table, task, row, L))}" for L in spec["scratch_levels"])
            lines.append(f"| {task_label(task)} | {row_label(row)} | {fmt_level(largest(table, task, row), spec['levels'][-1])} "
                         f"| {name} {ref}: {fmt_steps(steps_to(table, task, row, ref))} | {scratch} "
                         f"| k = {k}: {fmt_grad(*grad_at(table, task, row, k))} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """python -m cellviz.zoo.claims_report [claims.json]: print each task's headline and the README table."""
    import json
    import sys
    from pathlib import Path

    from .store import CLAIMS
    argv = sys.argv[1:] if argv is None else argv
    table = read(json.loads(Path(argv[0] if argv else CLAIMS).read_text()))
    for task in task_names(table):
        print(f"- {headline(table, task)}")
    print()
    print(markdown_table(table))
    print()
    print(run_note(table))


if __name__ == "__main__":
    main()
