"""AppTest: bad input in the sidebar (empty, too long, unknown characters, hostile uploads) gives a clear
message and never an exception; a good upload is explored like a zoo model."""
import io
import pickle

import pytest
import torch
from safetensors.torch import save

import cellviz.zoo
from app_driver import assert_clean, charts, open_page, shown, steps_of
from cellviz.i18n import t

UPLOAD = "__upload__"


def errors(at) -> str:
    assert not at.exception, [e.value for e in at.exception]
    assert at.error, "expected an error message"
    return " ".join(shown(e.value) for e in at.error)


@pytest.mark.parametrize("text, says", [("", "empty"), ("(" * 3 + "a" * 300, "limit"), ("(a)[b]", "unknown")],
                         ids=["empty", "too-long", "unknown-characters"])
def test_bad_text_is_explained(text, says):
    at = open_page("cell", "brackets-lstm")
    at.text_area(key="text").set_value(text).run()
    message = errors(at)
    assert says in message
    assert not charts(at)
    at.text_area(key="text").set_value("(a(b))").run()      # and the page recovers
    assert_clean(at)
    assert charts(at)


def test_bad_lag_is_explained():
    at = open_page("cell", "lag-gru")
    at.number_input(key="opt_lag").set_value(100000).run()
    assert "lag" in errors(at)
    at.number_input(key="opt_lag").set_value(20).run()
    assert_clean(at)
    assert steps_of(at) == 21


def test_new_sample_and_typed_series():
    at = open_page("over_time", "forecast-gru")
    at.button[[b.label for b in at.button].index("New sample")].click().run()
    assert_clean(at)
    at.text_area(key="text").set_value("0.1, 0.5, oops").run()
    assert errors(at)
    at.text_area(key="text").set_value("0.1, 0.5, 0.9, 0.5, 0.1").run()
    assert_clean(at)
    assert steps_of(at) == 5


def _upload(at, name: str, data: bytes):
    at.selectbox(key="model").set_value(UPLOAD).run()
    at.file_uploader(key="upload").set_value((name, data, "application/octet-stream")).run()
    return at


def _state_dict_bytes(module: torch.nn.Module) -> bytes:
    buf = io.BytesIO()
    torch.save(module.state_dict(), buf)
    return buf.getvalue()


@pytest.mark.parametrize("name, data, says", [
    ("noise.pt", bytes(range(256)) * 40, ""),
    ("whole-model.pt", None, "state_dict"),
    ("evil.pt", pickle.dumps(print), ""),
    ("model.exe", b"MZ\x90\x00", ".safetensors"),
    ("linear.safetensors", save({"weight": torch.zeros(3, 3)}), ""),
    ("empty.safetensors", b"", ""),
], ids=["noise", "whole-model", "pickle-callable", "wrong-extension", "no-recurrent-weights", "empty"])
def test_hostile_upload_is_explained(name, data, says):
    if data is None:
        buf = io.BytesIO()
        torch.save(torch.nn.LSTM(3, 4), buf)
        data = buf.getvalue()
    at = _upload(open_page("cell"), name, data)
    assert says in errors(at)
    assert not charts(at)


def test_uploaded_module_every_input_source():
    module = torch.nn.GRU(3, 8, num_layers=2, bidirectional=True)
    at = _upload(open_page("cell"), "gru.pt", _state_dict_bytes(module))
    assert_clean(at)
    assert charts(at)
    at.radio(key="upload_source").set_value("onehot").run()
    assert_clean(at)
    at.radio(key="upload_source").set_value("typed").run()
    at.text_area(key="upload_numbers").set_value("1 2 3\n4 5").run()
    assert "3" in errors(at)
    at.text_area(key="upload_numbers").set_value("1 2 3\n4 5 6\n0 0 1").run()
    assert_clean(at)
    assert steps_of(at) == 3
    at.text_area(key="upload_numbers").set_value("\n".join(["1 2 3"] * 1001)).run()
    assert "limit" in errors(at)
    at.text_area(key="upload_numbers").set_value("1 2 3\n4 5 6\n0 0 1").run()
    for page in ("over_time", "gradients", "units", "compare"):
        at.switch_page(f"cellviz/ui/pages/{page}.py").run()
        assert_clean(at)
        assert charts(at)


def test_snapshot_picker_shows_final_weights_and_switches():
    at = open_page("cell", "lag-lstm")
    picker = at.selectbox(key="snapshot")
    assert picker.value == "final" and picker.options[0] == t("model.snapshot.final")
    first = cellviz.zoo.snapshots("lag-lstm")[0]
    final_h = charts(at)[0]
    picker.set_value(first).run()
    assert_clean(at)
    assert at.selectbox(key="snapshot").value == first and charts(at)[0] != final_h


# --- issue 22, the app's side: any name, the interpretation said, failures in the main area, candidates -----
@pytest.mark.parametrize("name", ["model.ckpt", "pytorch_model.bin", "weights.pth", "weights.pkl", "noext"])
def test_upload_is_read_by_content_whatever_its_name(name):
    at = _upload(open_page("cell"), name, _state_dict_bytes(torch.nn.LSTM(3, 4)))
    assert_clean(at)
    assert charts(at)


def test_upload_says_how_its_input_was_read_and_asks_the_nonlinearity_only_for_an_rnn():
    at = _upload(open_page("cell"), "lstm.pt", _state_dict_bytes(torch.nn.LSTM(3, 4)))
    assert_clean(at)
    said = " ".join(c.value for c in at.caption)
    assert "50 steps × 1 sequence(s) × 3 features" in said and "batch_first=False" in said, said
    assert "nonlinearity" not in said
    assert not [r for r in at.radio if r.key == "upload_nonlinearity"]
    at = _upload(open_page("cell"), "rnn.pt", _state_dict_bytes(torch.nn.RNN(2, 4, nonlinearity="relu")))
    at.radio(key="upload_nonlinearity").set_value("relu").run()
    assert_clean(at)
    assert "nonlinearity relu" in " ".join(c.value for c in at.caption)


def test_a_failed_upload_is_said_in_the_main_area_too():
    at = _upload(open_page("cell"), "noise.pt", bytes(range(256)) * 4)
    assert [e for e in at.sidebar.error] and [e for e in at.main.error]
    assert shown(at.main.error[0].value).startswith("Could not use “noise.pt”")


def test_nested_checkpoint_lists_its_recurrent_modules_to_pick():
    """The chatbot tutorial's layout: {'en': {...}, 'de': {...}, 'en_opt': ..., 'voc_dict': ...}."""
    enc, dec = torch.nn.GRU(3, 5), torch.nn.GRU(5, 5)
    state = {"en": {f"gru.{k}": v for k, v in enc.state_dict().items()},
             "de": {f"gru.{k}": v for k, v in dec.state_dict().items()}, "iteration": 4000}
    buf = io.BytesIO()
    torch.save(state, buf)
    at = _upload(open_page("cell"), "chatbot.tar", buf.getvalue())
    picker = at.selectbox(key="upload_pick")
    assert {"de.gru", "en.gru"} <= set(picker.options), picker.options
    picker.set_value("en.gru").run()
    assert_clean(at)
    assert at.text_input(key="upload_prefix").value == "en.gru"
    assert charts(at)


def test_lecture_page_downloads_for_an_upload():
    from cellviz.ui import downloads, uploads
    at = _upload(open_page("cell"), "gru.pt", _state_dict_bytes(torch.nn.GRU(2, 3)))
    assert_clean(at)
    assert not any(c.value == "The lecture page is available for zoo models." for c in at.caption)
    raw = _state_dict_bytes(torch.nn.GRU(2, 3))
    key = uploads.hold(raw)
    subject = uploads.upload_subject(uploads.UploadSource(key, "gru.pt", input=uploads.UploadInput(length=6)), raw)
    page = downloads.lecture_html(subject, 0, 0, [0], "en")
    assert page.lower().startswith("<!doctype html>") and "sum of all outputs" in page and "gru.pt" in page


class _WordLM(torch.nn.Module):
    """word_language_model's RNNModel layout: encoder (Embedding) -> rnn -> decoder (Linear over the vocabulary)."""

    def __init__(self, ntoken: int = 12, ninp: int = 5, nhid: int = 6):
        super().__init__()
        torch.manual_seed(0)
        self.encoder = torch.nn.Embedding(ntoken, ninp)
        self.rnn = torch.nn.LSTM(ninp, nhid)
        self.decoder = torch.nn.Linear(nhid, ntoken)

    def forward(self, ids):
        out, _ = self.rnn(self.encoder(ids))
        return self.decoder(out)


def test_embedding_and_head_upload_is_driven_by_tokens_with_a_real_loss():
    from cellviz.ui import uploads
    model = _WordLM()
    raw = _state_dict_bytes(model)
    at = _upload(open_page("gradients"), "wlm.pt", raw)
    assert_clean(at)
    assert at.radio(key="upload_source").value == "tokens"
    assert any("embedding “encoder.weight” (12 tokens × 5)" in shown(c.value) and "decoder" in c.value
               for c in at.caption)
    at.text_area(key="upload_tokens").set_value("3 1 4 1 5 9").run()
    assert_clean(at)
    assert steps_of(at) == 6
    said = " ".join(shown(m.value) for m in at.markdown)
    assert "the head's next token" in said, said
    # the loss is the real one: cross-entropy on the next token, exactly as torch computes it on the whole model
    source = uploads.UploadSource(uploads.hold(raw), "wlm.pt",
                                  input=uploads.UploadInput("tokens", numbers="3 1 4 1 5 9"))
    subject = uploads.upload_subject(source, raw)
    ids = torch.tensor([3, 1, 4, 1, 5, 9])
    expected = torch.nn.functional.cross_entropy(model(ids)[:-1], ids[1:])
    assert abs(float(subject.trace.loss) - float(expected.detach())) < 1e-5
    assert subject.loss == "steps_ce" and subject.tokens == ["3", "1", "4", "1", "5", "9"]
    assert "cross-entropy" in " ".join(str(c.proto) for c in at.get("bidi_component"))   # named on the axes


def test_embedding_upload_with_a_vocabulary_splits_typed_text():
    from cellviz.ui import uploads
    vocab = list("abcdefghijkl")
    assert uploads.parse_tokens("cab", 12, vocab) == ([2, 0, 1], ["c", "a", "b"])
    words = ["the", "cat", "sat"] + [f"w{k}" for k in range(9)]
    assert uploads.parse_tokens("the cat sat", 12, words) == ([0, 1, 2], ["the", "cat", "sat"])
    assert uploads.parse_vocab(b'["x", "y"]') == ["x", "y"] and uploads.parse_vocab("a\nb".encode()) == ["a", "b"]
    with pytest.raises(ValueError, match="not in the vocabulary"):
        uploads.parse_tokens("zzz", 12, vocab)
    with pytest.raises(ValueError, match="not a token id"):
        uploads.parse_tokens("3 99", 12, None)
    at = _upload(open_page("cell"), "wlm.pt", _state_dict_bytes(_WordLM()))
    at.file_uploader(key="upload_vocab").set_value(("vocab.json", b'["a","b","c","d","e","f","g","h","i","j","k","l"]',
                                                    "application/json")).run()
    at.text_area(key="upload_tokens").set_value("badge").run()
    assert_clean(at)
    assert steps_of(at) == 5


@pytest.mark.browser
def test_embedding_upload_with_typed_tokens_in_the_browser(tmp_path):
    """Real Chromium against `streamlit run`: upload a word_language_model-style file, type token ids, see the
    steps, the head's guess, and the gradient page's axes naming the cross-entropy."""
    import os
    import subprocess
    from pathlib import Path

    from cellviz.hosted_bench import ARGS, CHROMIUM, IDLE, free_port, pick_model, start_server, wait_idle
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    checkpoint = tmp_path / "wlm.pt"
    checkpoint.write_bytes(_state_dict_bytes(_WordLM()))
    port = free_port()
    server = start_server(port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"http://localhost:{port}/")
                page.wait_for_selector(IDLE, timeout=90_000)
                pick_model(page, t("model.upload"))
                page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(checkpoint))
                page.wait_for_selector(".st-key-upload_tokens textarea", timeout=60_000)
                area = page.locator(".st-key-upload_tokens textarea").first
                area.fill("3 1 4 1 5 9")
                page.keyboard.press("Control+Enter")
                wait_idle(page)
                page.get_by_text("step 0 of 5").first.wait_for(timeout=60_000)        # six steps: 0 to 5
                body = " ".join(page.locator("body").inner_text().replace("\u2060", "").split())
                assert "the head's next token: “" in body and "6 steps × 1 sequence(s) × 5 features" in body, body[:2000]
                page.get_by_role("link", name=t("page.gradients")).first.click()
                wait_idle(page)
                page.wait_for_selector(".js-plotly-plot", timeout=60_000)
                page.wait_for_timeout(1500)
                assert "cross-entropy" in page.content()
                page.screenshot(path=str(tmp_path / "embedding-upload.png"))
            finally:
                browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def test_the_uploaders_deleted_file_keeps_the_held_upload(monkeypatch):
    """In a real server the uploader reports the copy `_release` dropped as a DeletedFile (found in the browser:
    'DeletedFile' object has no attribute 'name'): the held upload stays."""
    from streamlit.runtime.uploaded_file_manager import DeletedFile

    from cellviz.ui import sidebar
    store = {"upload": DeletedFile("some-id"), "upload_vocab": DeletedFile("other"), "upload_file": ("a.pt", "d")}
    monkeypatch.setattr(sidebar.state, "get", store.get)
    monkeypatch.setattr(sidebar.state, "put", store.__setitem__)
    sidebar._keep_upload()
    sidebar._keep_vocab()
    assert store["upload_file"] == ("a.pt", "d") and "upload_vocab_file" not in store
