"""AppTest: the compare page — parameter counts from real modules, the zoo table, the claims (or a note)."""
import pytest

from app_driver import MODELS, assert_clean, charts, open_page


@pytest.mark.parametrize("model", MODELS[:3])
def test_compare_page(model):
    at = open_page("compare", model)
    assert charts(at)
    assert at.dataframe
    assert_clean(at)
