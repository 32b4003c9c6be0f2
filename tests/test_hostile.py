"""The holes a hostile-input review found (issue 14), one test per case.

Memory bombs in uploads, Markdown injection through deep links, special files and foreign paths, non-finite
options, tokens that carry HTML into figures, and the smaller argument checks. Each test feeds the hostile input
and asserts what the user sees (a bounded, inert message) or that the library refuses it with its promised error.
"""
from __future__ import annotations

import pytest

from cellviz.export import main as export_main
from cellviz.ui.safety import escape_markdown


# --- escape_markdown -----------------------------------------------------------------------------------
@pytest.mark.parametrize("hostile, inert", [
    ("[session expired: sign in](https://evil.example/)", r"\[session expired\: sign in\]\(https\:\/\/evil\.example\/\)"),
    ("![x](https://evil.example/p.png)", r"\!\[x\]\(https\:\/\/evil\.example\/p\.png\)"),
    ("*bold* _it_ `code` <b>x</b> &amp; $x$ :red[r]", r"\*bold\* \_it\_ \`code\` \<b\>x\<\/b\> \&amp\; \$x\$ \:red\[r\]"),
    ("line\n# heading\r\n- item", r"line \# heading \- item"),
    ("www.evil.example", r"www\.evil\.example"),
    ("步骤 3 ✓", "步骤 3 ✓"),
])
def test_escape_markdown_makes_markup_inert(hostile, inert):
    assert escape_markdown(hostile) == inert


def test_escape_markdown_cuts_to_the_limit():
    assert escape_markdown("x" * 1000) == "x" * 199 + "…"
    assert escape_markdown("a" * 10, limit=5) == "aaaa…"
    assert escape_markdown("[" * 10, limit=5) == "\\[" * 4 + "…"       # cut before escaping: no dangling "\"
    assert escape_markdown(ValueError("bad [x]")) == r"bad \[x\]"
    assert escape_markdown(12.5) == r"12\.5"


# --- export CLI options (5) ----------------------------------------------------------------------------
@pytest.mark.parametrize("model, text, option", [
    ("lag-lstm", "Bxwz", "lag=inf"), ("lag-lstm", "Bxwz", "lag=1e400"), ("lag-lstm", "Bxwz", "lag=-inf"),
    ("lag-lstm", "Bxwz", "lag=nan"), ("lag-lstm", "Bxwz", "lag=" + "9" * 5000),
    ("waveform-lstm", "sine", "length=inf"), ("waveform-lstm", "sine", "period=1e400"),
    ("lag-lstm", "Bxwz", "noequals"), ("lag-lstm", "Bxwz", "=3"),
])
def test_export_refuses_non_finite_options_in_one_line(model, text, option, tmp_path, capsys):
    out = tmp_path / "x.html"
    assert export_main(["--model", model, "--text", text, "--option", option, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("python -m cellviz.export: error: --option")
    assert "Traceback" not in err and len(err) < 200
    assert not out.exists()
