"""Every example of the CommonMark spec renders to well-formed Little Text.

The examples (tests/fixtures/commonmark_spec.json, see the README next to it) cover every
corner of Markdown syntax; whatever a post contains, the renderer must not raise, must
leave no reserved character unescaped outside its own elements, and must keep every
letter a reader of the rendered Markdown would see.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from publisher.render import Mention, RenderOptions, render
from tests.test_render_properties import alnum, assert_wire_sound, is_subsequence, reader_text

SPEC = Path(__file__).parent / "fixtures" / "commonmark_spec.json"
EXAMPLES: list[dict[str, Any]] = json.loads(SPEC.read_text(encoding="utf-8"))

OPTIONS = {
    "plain": RenderOptions(),
    "unicode": RenderOptions(
        emphasis="unicode",
        mentions={"foo": Mention("urn:li:person:foo", "Foo (Bar)")},
        utm={"utm_source": "linkedin"},
        utm_domains=["example.com"],
        footer="#spec",
    ),
}


def test_the_fixture_holds_the_whole_spec() -> None:
    assert len(EXAMPLES) == 652
    assert [e["example"] for e in EXAMPLES] == list(range(1, 653))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"example-{e['example']}")
@pytest.mark.parametrize("mode", sorted(OPTIONS))
def test_spec_example_renders_well_formed(example: dict[str, Any], mode: str) -> None:
    rendered = render(example["markdown"], OPTIONS[mode])
    assert_wire_sound(rendered)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"example-{e['example']}")
def test_spec_example_keeps_every_letter_a_reader_sees(example: dict[str, Any]) -> None:
    rendered = render(example["markdown"])
    assert is_subsequence(alnum(reader_text(example["markdown"])), alnum(rendered.visible))
