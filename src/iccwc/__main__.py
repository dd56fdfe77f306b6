import sys

from iccwc.commands.cli import main

sys.exit(main())
