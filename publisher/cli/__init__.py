"""The `publish` command line.

`main` holds the group, `publish sync` and the post commands; each other module adds
the commands of one capability to the group when it is imported here.
"""

from publisher.cli import auth, preview, stats
from publisher.cli.main import cli, main

__all__ = ["auth", "cli", "main", "preview", "stats"]
