"""How the viewer knows a member, as told on the member's profile.

The words come from the network app (the tie evidence the viewer may see,
phrased as on the suggestions page); ``people`` sits below ``network``, so the
network app registers its reader here in ``NetworkConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable

from deskmate.people.models import Member

Reader = Callable[[Member, Member], tuple[str, ...]]
_readers: list[Reader] = []


def register_how_known(reader: Reader) -> None:
    if reader not in _readers:
        _readers.append(reader)


def how_viewer_knows(viewer: Member, member: Member) -> tuple[str, ...]:
    """Reasons in words, strongest first; empty for oneself or when nothing visible joins them."""
    if viewer.pk == member.pk:
        return ()
    return tuple(reason for reader in _readers for reason in reader(viewer, member))
