"""Publish LinkedIn posts kept as Markdown files in a git repository."""

__version__ = "0.2.0"
