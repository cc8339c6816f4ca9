"""The `publish` command line.

`main` holds the group, `publish sync` and the post commands; the modules `auth`,
`preview` and `stats` add the commands of one capability each, imported when one of
their commands is asked for (see LAZY_COMMANDS in main).
"""

from publisher.cli.main import cli, main

__all__ = ["cli", "main"]
