"""The `publish` command line: the group and its error boundary in `app`, shared options
and output helpers in `options`, one module per capability (see `app` for the layout and
for how to add a command), and the process entry point in `main`.
"""

import gc

# Loading the command line makes tens of thousands of objects and no garbage: the
# collector, run every 700 new objects, would walk them again and again for nothing. It
# is off while they load, and what they are (modules, classes, functions) lives as long
# as the process, so it is kept out of the collector's passes from then on: a plan over
# thousands of posts would otherwise walk it in each of them.
_collecting = gc.isenabled()
gc.disable()
try:
    from publisher.cli.app import cli
    from publisher.cli.main import main
finally:
    gc.freeze()
    if _collecting:
        gc.enable()

__all__ = ["cli", "main"]
