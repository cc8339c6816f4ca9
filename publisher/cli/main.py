"""The `publish` process: what the console script runs (importing publisher.cli first,
which loads the command line without running the garbage collector)."""

from __future__ import annotations

from publisher.cli.app import cli


def main() -> None:
    cli(prog_name="publish")
