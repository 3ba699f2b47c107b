"""``python -m sozialraum_analytics``: see :mod:`sozialraum_analytics.cli`."""

import sys

from .cli import main
from .speicher import einrichten

einrichten()  # freed memory stays in the process (speicher.py)
sys.exit(main())
