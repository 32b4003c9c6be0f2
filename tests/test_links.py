"""Deep links: state -> URL -> state round trips, and parse_query on hostile input (never raises, valid output)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from cellviz.ui import links
from cellviz.ui.state import DEFAULTS

MODELS = {"lag-lstm": ("step-00000", "step-00030"), "lag-rnn": (), "charlm-gru": ()}
OPTIONS = {"lag-lstm": {"lag": int}, "lag-rnn": {"lag": int}, "charlm-gru": {}}
CATALOG = links.Catalog(models=MODELS, pages=("tour", "cell", "gradients"), languages=("en", "zh"), slides=6,
                        options=lambda name: OPTIONS[name])
KEYS = ("lang", *links.EXPLORER_KEYS, *links.TOUR_KEYS)
text = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"), min_size=1, max_size=links.MAX_TEXT)


@st.composite
def states(draw) -> dict:
    model = draw(st.sampled_from(sorted(MODELS)))
    state = {"model": model,
             "snapshot": draw(st.sampled_from([links.FINAL, *MODELS[model]])),
             "part": draw(st.sampled_from(["recurrent", "encoder", "decoder"])),
             "source": draw(st.sampled_from(["sample", "typed"])),
             "sample_seed": draw(st.integers(0, links.MAX_INT)),
             "text": draw(text),
             "layer": draw(st.integers(0, links.MAX_LAYERS - 1)),
             "direction": draw(st.integers(0, 1)),
             "step": draw(st.integers(0, links.MAX_INT)),
             "units": draw(st.lists(st.integers(0, links.MAX_UNIT), min_size=1, max_size=8, unique=True)),
             "lang": draw(st.sampled_from(["en", "zh"])),
             "slide": draw(st.integers(1, 6)),
             "tour_step": draw(st.integers(0, 500)),
             "present": draw(st.booleans())}
    if state["source"] == "typed" and OPTIONS[model]:
        state["opt_lag"] = draw(st.integers(1, 400))
    return state


def _expected(state: dict) -> dict:
    """What a link can carry: everything but the sample seed of a typed input and the text of a sample."""
    out = {k: v for k, v in state.items() if v != DEFAULTS.get(k) and v is not None}
    out.pop("part", None) if state["part"] == "recurrent" else None
    if state["source"] == "typed":
        out.pop("sample_seed", None)
    else:
        out.pop("text", None)
        out.pop("source", None)
    return out


@settings(max_examples=300, deadline=None)
@given(states())
def test_round_trip(state):
    url = links.to_query(state, DEFAULTS, KEYS)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in url.items())
    back, problems = links.parse_query(url, CATALOG)
    assert problems == []
    assert back == _expected(state)


def test_only_non_defaults():
    assert links.to_query({**DEFAULTS, "model": "lag-lstm", "part": "recurrent"}, DEFAULTS, KEYS) == {
        "model": "lag-lstm"}


values = st.one_of(st.text(max_size=60), st.lists(st.text(max_size=20), max_size=3), st.integers(), st.none(),
                   st.floats(allow_nan=True), st.binary(max_size=10))
keys = st.one_of(st.sampled_from([*KEYS, "view", "opt_lag", "opt_x", "embed", "OPT_lag"]), st.text(max_size=12),
                 st.integers())


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(keys, values, max_size=12))
def test_hostile_params_never_raise_and_give_valid_state(params):
    out, problems = links.parse_query(params, CATALOG)
    assert isinstance(problems, list) and all(isinstance(p, str) and len(p) < 100 for p in problems)
    _assert_valid(out)


def _assert_valid(out: dict) -> None:
    assert set(out) <= {*KEYS, "view", "opt_lag"}
    if "model" in out:
        assert out["model"] in MODELS
    if "snapshot" in out:
        assert out["snapshot"] == links.FINAL or out["snapshot"] in MODELS[out.get("model")]
    for key, (low, high) in {"layer": (0, links.MAX_LAYERS - 1), "direction": (0, 1), "step": (0, links.MAX_INT),
                             "sample_seed": (0, links.MAX_INT), "slide": (1, 6), "opt_lag": (-links.MAX_INT, links.MAX_INT),
                             "tour_step": (0, links.MAX_INT)}.items():
        if key in out:
            assert type(out[key]) is int and low <= out[key] <= high
    if "units" in out:
        assert 1 <= len(out["units"]) <= 8 and all(0 <= u <= links.MAX_UNIT for u in out["units"])
    assert out.get("lang", "en") in ("en", "zh")
    assert out.get("view", "cell") in CATALOG.pages
    assert isinstance(out.get("present", False), bool)
    if "text" in out:
        assert 0 < len(out["text"]) <= links.MAX_TEXT and out["source"] == "typed"


def test_malformed_values_are_listed():
    out, problems = links.parse_query({"model": "nope", "step": "-1", "units": "1,2,x", "lang": "xx", "slide": "99",
                                       "present": "maybe", "utm_source": "mail"}, CATALOG)
    assert out == {}
    assert sorted(p.split("=")[0] for p in problems) == ["lang", "model", "present", "slide", "step", "units"]


def test_options_follow_the_model():
    out, problems = links.parse_query({"model": "lag-lstm", "text": "Axx?", "opt_lag": "12", "opt_period": "3"},
                                      CATALOG)
    assert out == {"model": "lag-lstm", "text": "Axx?", "source": "typed", "opt_lag": 12}
    assert problems == ["opt_period=3"]
    assert links.parse_query({"model": "charlm-gru", "opt_lag": "3"}, CATALOG)[1] == ["opt_lag=3"]
