"""``python -m comd ARGS``: the ``comd`` binary's command line, same output and exit status."""

import signal
import sys

from . import main

if __name__ == "__main__":
    # the run installs its own SIGINT/SIGTERM handling (stop after the step, exit 130/143)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(main())
