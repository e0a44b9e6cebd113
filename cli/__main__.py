"""`python -m cli`: the same as the `newsqa` command."""

import sys

from cli import main

sys.exit(main())
