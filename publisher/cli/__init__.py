"""The `publish` command line: the group and its error boundary in `app`, shared options
and output helpers in `options`, one module per capability (see `app` for the layout and
for how to add a command), and the process entry point in `main`.
"""

from publisher.cli.app import cli
from publisher.cli.main import main

__all__ = ["cli", "main"]
