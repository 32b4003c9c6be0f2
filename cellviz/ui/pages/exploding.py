"""Page: exploding gradients and clipping."""
from cellviz.ui.layout import run_page
from cellviz.ui.views import exploding

run_page(exploding)
