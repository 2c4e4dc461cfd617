"""`python -m coach` and the `coach` command both start here."""

import gc
import sys


def run() -> int:
    # Starting coach allocates hundreds of thousands of objects (Textual, its
    # styles, the summaries), none of them garbage; the collector's passes
    # over them cost a tenth of the launch. It is switched back on, after a
    # gc.freeze(), once home has been drawn (CoachApp.launch_done); a command
    # such as `coach export` ends before garbage could matter.
    gc.disable()
    from coach.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(run())
