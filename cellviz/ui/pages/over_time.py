"""Page: over time."""
from cellviz.ui.layout import run_page
from cellviz.ui.views import over_time

run_page(over_time)
