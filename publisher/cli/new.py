"""`publish new`: write a new post file, from a skeleton or a template."""

from __future__ import annotations

import click

from publisher.cli.app import Context


@click.command()
@click.argument("title", required=False)
@click.option("--author", help="Author alias from publish.toml (default: [defaults].author).")
@click.option("--schedule", help="When to publish, e.g. '2026-12-01 09:00'.")
@click.option("--date", "date_text", help="Date for the folder and file name (default: today).")
@click.option("--template", metavar="NAME", help="Render templates/NAME.md instead of a skeleton.")
@click.option(
    "--set", "assignments", metavar="KEY=VALUE", multiple=True,
    help="A value for {{ KEY }} in the template (repeat for each).",
)
@click.pass_obj
def new(
    obj: Context, title: str | None, author: str | None, schedule: str | None,
    date_text: str | None, template: str | None, assignments: tuple[str, ...],
) -> None:
    """Write a new post at posts/YYYY/MM/slug.md: a skeleton, or from a template.

    With --template the title is optional (the file is named after the post's first line).
    """
    from publisher import newpost

    config = obj.config()
    if template is None and assignments:
        raise click.UsageError("--set fills a template: add --template NAME")
    if template is None and not title:
        raise click.UsageError('give a title (publish new "What we shipped") or --template NAME')
    if template is not None:
        values = newpost.parse_assignments(assignments)
        path = newpost.create_from_template(
            config, template, values, title=title, author=author, schedule=schedule,
            date_text=date_text,
        )
        click.echo(f"Created {path} from templates/{template.removesuffix('.md')}.md")
        return
    assert title is not None
    path = newpost.create(config, title, author=author, schedule=schedule, date_text=date_text)
    click.echo(f"Created {path}")
    click.echo("Edit it, run `publish check`, then commit it and open a pull request.")
