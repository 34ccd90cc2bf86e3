"""`python -m bot` is `copbot`."""

import sys

from bot.cli import main

sys.exit(main())
