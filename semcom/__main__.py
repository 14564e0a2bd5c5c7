import sys

from semcom.simulator.cli import main

sys.exit(main())
