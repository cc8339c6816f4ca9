"""The feed page says when each post was made as a person reads it, in the zone it names."""

from __future__ import annotations

import re

from publisher.sandbox.control import SandboxControl
from tests.sandbox.helpers import Api


def test_the_feed_shows_a_readable_utc_time_and_keeps_iso_for_machines(
        control: SandboxControl, alice: Api) -> None:
    control.advance_clock(3)  # the tokens' clock: NOW is 2026-03-10T12:00:00Z
    alice.created_urn(commentary="Made at eight")
    page = control.feed_html()
    shown = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', page)
    assert shown is not None, page
    assert shown.group(1) == "2026-03-10T12:00:03.000Z"
    assert shown.group(2) == "Tue 10 Mar 2026, 12:00 UTC"
