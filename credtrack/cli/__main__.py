import sys

from credtrack.cli import main

sys.exit(main())
