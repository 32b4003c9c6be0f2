"""Issue 12.9: the Chinese catalogue uses the standard teaching terms, one word per concept."""
import re

import pytest

from cellviz.i18n.locales.en import EN
from cellviz.i18n.locales.zh import ZH


def _keys_where(pattern: str) -> list[str]:
    return sorted(k for k, v in EN.items() if re.search(pattern, re.sub(r"\{[^}]*\}", "", v), re.I) and k in ZH)


@pytest.mark.parametrize("word,because", [("钳制", "clamp = 固定"), ("平凡", "trivial baseline = 朴素基线"),
                                          ("提示", "cue = 线索符号 (not 提示 / 提示符)")])
def test_no_retired_word(word, because):
    found = {k: v for k, v in ZH.items() if word in v}
    assert not found, f"{word!r} is retired ({because}): {found}"


@pytest.mark.parametrize("english,chinese", [(r"\bcue\b", "线索符号"), (r"\btrivial\b", "朴素基线"),
                                             (r"\bclamp", "固定"), (r"\bexploding gradient", "梯度爆炸"),
                                             (r"\bclip", "裁剪")])
def test_each_concept_has_its_word(english, chinese):
    keys = _keys_where(english)
    assert keys, f"no English text matches {english!r}: the check checks nothing"
    missing = {k: ZH[k] for k in keys if chinese not in ZH[k]}
    assert not missing, f"texts about {english!r} without {chinese!r}: {missing}"


def test_cell_is_xunhuan_danyuan_and_unit_is_never_bare_danyuan():
    """cell = 循环单元; a hidden unit = 神经元 or 隐藏单元: a bare 单元 would be ambiguous."""
    bare = {k: v for k, v in ZH.items() if re.search(r"(?<!循环)(?<!隐藏)单元", v)}
    assert not bare, f"bare 单元 (say 循环单元 for a cell, 神经元 / 隐藏单元 for a unit): {bare}"
    cells = [k for k in _keys_where(r"\bcells?\b") if not k.startswith("q.")]
    assert all("循环单元" in ZH[k] or "单元" not in ZH[k] for k in cells)
    assert ZH["page.cell"].endswith("循环单元") and ZH["compare.col.cell"] == "循环单元"


def test_duidie_only_for_stacked_layers():
    """堆叠 means stacked layers; the gate blocks in one weight matrix are 拼接 (concatenated)."""
    stacked = {k: v for k, v in ZH.items() if "堆叠" in v}
    assert stacked, "the stacking explanation should say 堆叠"
    wrong = {k: EN[k] for k in stacked if not re.search(r"stack", EN[k], re.I) or "block" in EN[k]}
    assert not wrong, f"堆叠 used for something else than stacked layers: {wrong}"
    assert "拼接" in ZH["compare.params.note"] and "堆叠" not in ZH["compare.params.note"]


def test_exploding_and_clipping_are_named_in_the_ui():
    assert ZH["page.exploding"] == "梯度爆炸"
    assert any("梯度裁剪" in v for v in ZH.values())


def test_not_learned_sentence_says_the_lag_was_not_learned():
    """The claims summary's "not learned" wording is a plain negation, not a threshold that reads as reached."""
    text = ZH["compare.claims.not_reached"].format(top=320)
    assert "未学会" in text and "≥" not in text
