"""Page: learn."""
from cellviz.ui.layout import run_page
from cellviz.ui.views import learn

run_page(learn)
