"""Typed access from screens and widgets to the coach app, its store and its one read-only guard."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from coach.ui.app import CoachApp


class CoachAccess:
    """Mixed into coach's screens and widgets: `self.coach` is the running CoachApp."""

    @property
    def coach(self) -> "CoachApp":
        return cast("CoachApp", self.app)  # type: ignore[attr-defined]
