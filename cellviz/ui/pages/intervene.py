"""Page: intervene."""
from cellviz.ui.layout import run_page
from cellviz.ui.views import intervene

run_page(intervene)
