"""Page: compare."""
from cellviz.ui.layout import run_page
from cellviz.ui.views import compare

run_page(compare)
