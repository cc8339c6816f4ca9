"""Checks of upload instructions and media URNs that need no server."""

from __future__ import annotations

from typing import Any

import pytest

from publisher.linkedin import errors as li
from publisher.linkedin.media import PART_SIZE, PartInstruction, media_kind, upload_instructions


def instruction(first: int, last: int, url: str = "u") -> dict[str, Any]:
    return {"uploadUrl": url, "firstByte": first, "lastByte": last}


def test_documented_instructions_are_taken_in_byte_order() -> None:
    size = 2 * PART_SIZE + 10
    value = {"uploadInstructions": [instruction(PART_SIZE, 2 * PART_SIZE - 1, "b"),
                                    instruction(0, PART_SIZE - 1, "a"),
                                    instruction(2 * PART_SIZE, size - 1, "c")]}
    assert upload_instructions(value, size) == [
        PartInstruction("a", 0, 4194303), PartInstruction("b", 4194304, 8388607),
        PartInstruction("c", 8388608, 8388617)]


@pytest.mark.parametrize(("value", "size", "problem"), [
    ({}, 10, "no uploadInstructions"),
    ({"uploadInstructions": []}, 10, "no uploadInstructions"),
    ({"uploadInstructions": ["x"]}, 10, "malformed"),
    ({"uploadInstructions": [{"uploadUrl": "secret-url", "firstByte": "0", "lastByte": 9}]}, 10,
     "malformed upload instruction: {'firstByte': '0', 'lastByte': 9}"),
    ({"uploadInstructions": [instruction(0, 4), instruction(6, 9)]}, 10, "expected to start at 5"),
    ({"uploadInstructions": [instruction(0, 4), instruction(3, 9)]}, 10, "expected to start at 5"),
    ({"uploadInstructions": [instruction(0, 4)]}, 10, "cover 5 bytes, the file has 10"),
    ({"uploadInstructions": [instruction(0, 19)]}, 10, "cover 20 bytes, the file has 10"),
    ({"uploadInstructions": [instruction(1, 9)]}, 10, "expected to start at 0"),
])
def test_instructions_that_would_corrupt_the_video(value: dict[str, Any], size: int,
                                                   problem: str) -> None:
    with pytest.raises(li.UploadError) as raised:
        upload_instructions(value, size)
    assert problem in str(raised.value)
    assert "secret-url" not in str(raised.value)


@pytest.mark.parametrize(("urn", "kind"), [
    ("urn:li:image:C4E10AQ", "image"), ("urn:li:video:C5F10", "video"),
    ("urn:li:document:D4D10", "document")])
def test_media_kind(urn: str, kind: str) -> None:
    assert media_kind(urn) == kind


def test_media_kind_of_something_else() -> None:
    with pytest.raises(ValueError, match="not an image, video or document URN"):
        media_kind("urn:li:share:1")
