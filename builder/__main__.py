"""`python -m builder` runs the `twcasual` command."""

import sys

from builder.cli import main

sys.exit(main())
