"""Shared test setup: one torch thread (CI has 2 cores; torch's thread pool fights the other test workers), and
the split of the suite into fast unit tests and slower integration / browser tests.

Every test gets exactly one of three markers (registered in pyproject.toml):
- `browser`: starts a real Streamlit server and drives Chromium (marked in the test file);
- `integration`: runs the app (AppTest pages), trains models, fuzzes the whole input path or starts a
  subprocess — every test in a file of INTEGRATION_FILES or named test_app_*, every test whose own code opens
  the app or a subprocess (APP_CALLS: so a new AppTest test in a unit file is found without a marker), the
  tests in INTEGRATION_TESTS, and tests marked in place;
- `unit`: everything else, given here. `python -m pytest -q -m unit` is the fast half (well under a minute).
"""
import inspect

import pytest
import torch
from streamlit import config as _streamlit_config

torch.set_num_threads(1)
# .streamlit/config.toml hides exception details on the hosted demo (client.showErrorDetails = "none"); the
# tests' AppTest sessions show them, so that a failure says what broke
_streamlit_config.set_option("client.showErrorDetails", "full")

# whole files of slower tests (AppTest page tests, test_app_*.py, are matched by name)
INTEGRATION_FILES = {"test_fuzz.py", "test_live.py", "test_teaching.py", "test_load.py", "test_browser.py"}
APP_CALLS = ("AppTest", "open_page(", "subprocess.")
INTEGRATION_TESTS = {"test_claims.py::test_tiny_experiment_runs"}       # trains the claims experiment, tiny


def _opens_the_app(item) -> bool:
    try:
        source = inspect.getsource(item.function)
    except (OSError, TypeError):
        return False
    return any(call in source for call in APP_CALLS)


def pytest_collection_modifyitems(config, items):
    for item in items:
        name = item.path.name
        if item.get_closest_marker("browser") or item.get_closest_marker("integration"):
            continue
        if (name.startswith("test_app_") or name in INTEGRATION_FILES or _opens_the_app(item)
                or f"{name}::{item.originalname}" in INTEGRATION_TESTS):
            item.add_marker(pytest.mark.integration)
        else:
            item.add_marker(pytest.mark.unit)
