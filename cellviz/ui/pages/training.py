"""Page: training."""
from cellviz.ui.layout import run_page
from cellviz.ui.views import training

run_page(training)
