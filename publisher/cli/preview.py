"""Commands of `publish` for this capability, added to the group on import."""

from __future__ import annotations
