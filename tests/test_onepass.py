"""One pass remembers what it learned of a file; the next pass looks again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PIL import Image

from publisher.config import load_config
from publisher.onepass import one_pass, remembered
from publisher.post import load_post
from tests.builders import png_bytes


def test_an_answer_is_remembered_inside_a_pass_only() -> None:
    asked: list[str] = []

    def ask() -> int:
        asked.append("x")
        return len(asked)

    assert [remembered("k", ask), remembered("k", ask)] == [1, 2]  # outside: every time
    with one_pass():
        assert [remembered("k", ask), remembered("k", ask)] == [3, 3]
        assert remembered("other", ask) == 4
    with one_pass():
        assert remembered("k", ask) == 5


def _post(image: str) -> str:
    return f"---\nimages:\n  - path: {image}\n    alt: A square\n---\nHello\n"


def test_posts_sending_one_image_share_what_was_found_of_it(
    make_repo: Callable[..., Path]
) -> None:
    root = make_repo({"posts/a/one.md": _post("../media/i.png"),
                      "posts/b/two.md": _post("../media/i.png"),
                      "posts/media/i.png": png_bytes()})
    config = load_config(root, environ={})
    with one_pass():
        one, two = (load_post(config, p).post for p in ("posts/a/one.md", "posts/b/two.md"))
    assert one is not None and two is not None
    assert one.images[0].path == two.images[0].path == "posts/media/i.png"
    assert one.images[0].sha256 == two.images[0].sha256


def test_the_next_pass_sees_a_changed_image(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/p.md": _post("media/i.png"), "posts/media/i.png": png_bytes()})
    config = load_config(root, environ={})
    with one_pass():
        before = load_post(config, "posts/p.md").post
    Image.new("RGB", (64, 48), "#aa2266").save(root / "posts/media/i.png", format="PNG")
    with one_pass():
        after = load_post(config, "posts/p.md").post
    assert before is not None and after is not None
    assert after.images[0].info.width == 64
    assert after.images[0].sha256 != before.images[0].sha256


def test_a_folder_swapped_for_a_link_between_passes_is_refused(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo({"posts/a/p.md": "---\n---\nHello\n"})
    config = load_config(root, environ={})
    with one_pass():
        assert load_post(config, "posts/a/p.md").post is not None
    outside = tmp_path / "outside"
    (root / "posts/a").rename(outside)
    (root / "posts/a").symlink_to(outside)
    with one_pass():
        loaded = load_post(config, "posts/a/p.md")
    assert loaded.post is None
    assert "lies outside the repository" in str(loaded.diagnostics[0])
