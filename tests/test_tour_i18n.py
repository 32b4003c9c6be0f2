"""Issue 24 §4: the Chinese catalogue reads as one text — one word for a unit, no italics in CJK, "k steps back" as
往回 / 更早, no "从 无 到", no "共 N 行", no nested full-width parentheses."""
import re

from cellviz.i18n.locales.en import EN
from cellviz.i18n.locales.zh import ZH

HAN = re.compile(r"[\u4e00-\u9fff]")


def _plain(text: str) -> str:
    return re.sub(r"\$[^$]*\$|`[^`]*`|\{[^}]*\}", " ", text)          # math, code and placeholders aside


def test_a_unit_is_shen_jing_yuan_everywhere():
    assert not {k: v for k, v in ZH.items() if "隐藏单元" in v}
    units = [k for k, v in EN.items() if re.search(r"\bunits?\b", _plain(v)) and k in ZH and HAN.search(ZH[k])]
    assert units, "no English text about units: the check checks nothing"
    missing = {k: ZH[k] for k in units if "神经元" not in ZH[k]}
    assert not missing, missing


def test_no_italics_in_cjk_text():
    italic = re.compile(r"(?<![A-Za-z0-9_*\\])\*(?=[^\s*])([^*\n]*?)(?<=[^\s*])\*(?![A-Za-z0-9_*])")
    assert italic.search("能否*学会*长间隔") and not italic.search("t* = 损失所在步，**粗体**")   # it sees italics
    found = {k: v for k, v in ZH.items() if any(HAN.search(m.group()) for m in italic.finditer(_plain(v)))}
    assert not found, found


def test_steps_back_is_wanghui_not_xiangqian():
    back = [k for k, v in EN.items() if re.search(r"steps? back", v) and k in ZH]
    assert back, "no 'steps back' in the English texts: the check checks nothing"
    assert not {k: ZH[k] for k in back if "向前" in ZH[k]}
    assert all("往回" in ZH[k] or "更早" in ZH[k] for k in back), {k: ZH[k] for k in back}


def test_no_cong_wu_dao_no_gong_n_hang_no_nested_parentheses():
    texts = {k: v for k, v in ZH.items()}
    ranged = ZH["compare.claims.range"].format(med="20", lo=ZH["compare.claims.none"], hi="20")   # as rendered
    assert not re.search(r"从\s*无\s*到", ranged), ranged
    assert not {k: v for k, v in texts.items() if re.search(r"从\s*\{?\w*\}?\s*无\s*到|从 无 到", v)}
    assert not {k: v for k, v in texts.items() if re.search(r"共\s*\{?\w*\}?\s*行", v)}
    nested = {}
    for k, v in texts.items():
        depth = 0
        for ch in v:
            depth += ch == "（"
            if ch == "（" and depth > 1:
                nested[k] = v
            depth -= ch == "）"
    assert not nested, nested
