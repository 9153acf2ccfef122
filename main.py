"""Start the credtrack desktop app: ``python main.py [--data-dir DIR] [--database-url URL]``."""

import sys

from credtrack.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
