"""``python -m model``: see :mod:`model.cli`."""

import sys

from .cli import main

sys.exit(main())
