"""`publish preview`: HTML pages of the posts as the LinkedIn feed will show them."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.cli.app import Context
from publisher.cli.options import parse_now, plural, post_paths


@click.command("preview")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the pages into (default: REPO/preview); it is cleared first.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the index page in a browser.")
@click.option(
    "--now", "now_text", metavar="TIME", help="Preview as if it were TIME (for the plan)."
)
@click.pass_obj
def preview(
    obj: Context, paths: tuple[Path, ...], out: Path | None, open_browser: bool,
    now_text: str | None,
) -> None:
    """Write an HTML preview of the posts (all, or PATHS), with the plan's action for each."""
    from publisher.preview import build_preview

    config = obj.config()
    only = post_paths(config, paths) if paths else None
    result = build_preview(
        config,
        parse_now(now_text, config),
        out or config.root / "preview",
        only,
    )
    for entry in result.entries:
        for warning in entry.warnings:
            click.echo(warning, err=True)
    click.echo(
        f"Preview of {plural(len(result.entries), 'post')} "
        f"({plural(result.media_files, 'media file')} copied): {result.index}"
    )
    click.echo(f"Calendar: {result.calendar}")
    if open_browser:
        click.launch(str(result.index))
