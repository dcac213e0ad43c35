"""`python -m annotator` runs the same entry point as the `annotator` script."""

import sys

from annotator.cli import main

if __name__ == "__main__":
    sys.exit(main())
