"""Keys that arrive in a burst (a paste, a laggy SSH link) land where they were typed.

A priority key (ctrl+s, say) runs in the app's own loop as soon as it arrives,
while the characters typed just before it may still wait in the focused
field's queue; reading the field at once would miss them.
"""

from __future__ import annotations

import asyncio

SETTLE_TRIES = 100
SETTLE_STEP = 0.002


async def settle(app) -> None:
    """Wait (briefly) until the focused widget has taken the keys already sent to it."""
    focused = app.focused
    for _ in range(SETTLE_TRIES):
        if focused is None or not focused.message_queue_size:
            break
        await asyncio.sleep(SETTLE_STEP)
    await asyncio.sleep(0)  # and let it finish the last one it took


def focus_in_order(screen, fields: list, direction: int) -> None:
    """Move focus along `fields`, in the order given, at once.

    Textual orders Tab by on-screen position, which is not known until the
    next layout; keys of a burst right after a change of view would go to the
    wrong field.
    """
    if not fields:
        return
    focused = screen.app.focused
    index = fields.index(focused) + direction if focused in fields else 0
    screen.set_focus(fields[index % len(fields)])
