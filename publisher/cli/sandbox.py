"""`publish sandbox`: the LinkedIn emulator on this machine."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; keep it on loopback unless you mean otherwise.")
@click.option("--port", default=8765, show_default=True, type=int,
              help="The port to listen on (0: any free port, printed).")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for URNs and metrics.")
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Load and save the sandbox state in this JSON file.",
)
def sandbox(host: str, port: int, seed: int, state_file: Path | None) -> None:
    """Run the LinkedIn emulator locally (no account, no network)."""
    from publisher.sandbox.rehearsal import Rehearsal
    from publisher.sandbox.server import serve

    def ready(rehearsal: Rehearsal) -> None:
        click.echo("\n".join(rehearsal.lines()))

    serve(host, port, seed, state_file, on_ready=ready)
