"""The one error a setting's reader raises, on its own: the HTTP process of `relais serve`
reads its few settings with the same readers (bot/config_values.py) without loading the
declarations."""

from __future__ import annotations


class SettingError(ValueError):
    """A setting's value cannot be used; the message says why, in the team's language."""
