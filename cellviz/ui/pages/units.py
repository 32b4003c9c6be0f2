"""Page: units."""
from cellviz.ui.layout import run_page
from cellviz.ui.views import units

run_page(units)
