"""`python -m gender_mainstream` runs the command line."""

import sys

from gender_mainstream.cli import main

sys.exit(main())
