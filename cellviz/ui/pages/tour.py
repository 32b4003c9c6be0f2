"""Page: the guided tour (and presentation mode)."""
from cellviz.ui.views import tour

tour.run()
