"""Every feature Relais runs, in the order `/cm help` lists them. A new feature
is a folder under handlers/ with a `register` function (and, if it has tables, a
`tables.py` and its own `migrations/` branch), and one line here."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from handlers.charters import feature as charters
from handlers.core import feature as core
from handlers.core.registry import Registry
from handlers.home import feature as home
from handlers.moderation import feature as moderation
from handlers.news import feature as news
from handlers.onboarding import feature as onboarding
from handlers.recap import feature as recap
from handlers.reminders import feature as reminders
from handlers.reports import feature as reports
from handlers.role import feature as role
from handlers.tips import feature as tips
from handlers.topics import feature as topics
from handlers.watch import feature as watch

Register = Callable[[Registry], None]
FEATURES: tuple[Register, ...] = (
    news.register,
    role.register,
    core.register,
    charters.register,
    topics.register,
    moderation.register,
    reports.register,
    watch.register,
    recap.register,
    reminders.register,
    onboarding.register,
    tips.register,
    home.register,
    core.register_help,
)


def registry(extra: Iterable[Register] = ()) -> Registry:
    """The declarations of every feature, and of `extra` (a test's own feature). The
    shipped set is built once per process: the settings, the CLI and the platform read
    the same one."""
    extra = tuple(extra)
    return _build(extra) if extra else _shipped()


@functools.cache
def _shipped() -> Registry:
    return _build(())


def _build(extra: tuple[Register, ...]) -> Registry:
    reg = Registry()
    registers = (*FEATURES, *extra)
    for register in registers:
        register(reg)
    folders = {r.__module__.rpartition(".")[0] for r in registers if r.__module__.endswith(".feature")}
    reg.refuse_unsent(folders)  # a feature folder's message types (a test's ad hoc register has no folder)
    reg.migrations = tuple(sorted(m for f in folders if (m := _folder(f) / "migrations").is_dir()))
    return reg


def _folder(package: str) -> Path:
    return Path(str(sys.modules[package].__file__)).parent
