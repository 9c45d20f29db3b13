"""``python -m alfa_xl.cli``: the same as the ``alfa-xl`` command."""

import sys

from alfa_xl.entry import run

sys.exit(run())
