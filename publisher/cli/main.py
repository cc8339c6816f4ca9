"""The `publish` process: what the console script runs."""

from __future__ import annotations

import gc

from publisher.cli.app import cli


def main() -> None:
    # Everything imported so far lives as long as the process: kept out of the collector's
    # full passes, which a plan over thousands of posts would otherwise pay for.
    gc.freeze()
    cli(prog_name="publish")
