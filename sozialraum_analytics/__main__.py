"""``python -m sozialraum_analytics``: see :mod:`sozialraum_analytics.cli`."""

import sys

from .cli import main

sys.exit(main())
