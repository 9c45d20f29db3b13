"""``python -m alfa_xl.cli``: the same as the ``alfa-xl`` command."""

import sys

from alfa_xl.cli import main

sys.exit(main())
