"""`python -m cellviz.i18n [--refresh-zh-sources]`: list (or record) the stale Chinese translations."""
import sys

from . import main

sys.exit(main())
