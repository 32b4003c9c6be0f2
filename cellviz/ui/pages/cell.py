"""Page: cell."""
from cellviz.ui.layout import run_page
from cellviz.ui.views import cell

run_page(cell)
