"""AppTest: the 'over_time' page with every kind of zoo model, at the first and the last step."""
import pytest

from app_driver import MODELS, charts, open_page, visit_every_corner


@pytest.mark.parametrize("model", MODELS)
def test_every_model_first_and_last_step(model):
    at = open_page("over_time", model)
    assert charts(at)
    visit_every_corner(at, model)
