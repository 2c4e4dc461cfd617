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
