"""Page: gradients."""
from cellviz.ui.layout import run_page
from cellviz.ui.views import gradients

run_page(gradients)
