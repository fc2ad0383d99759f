"""`relais serve` on a new database: the back applies the migrations before it loads the
rest of Relais and tells the front, which then takes requests (bot/front.py); any trouble
is left to the back's own start, which says it in one line."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

from bot import front
from bot.front_settings import Facts
from storage.engine import make_engine
from storage.versions import shipped_folders, up_to_date
from tests.conftest import ROOT, without_settings


def facts(url: str) -> Facts:
    return Facts(3000, url, "xoxb-1", "http://127.0.0.1:9/api/", "s", 10, ("xoxb-1", "s"), False)


def test_a_new_database_is_migrated_first_and_the_front_is_told(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/relais.db"
    said, told = multiprocessing.Pipe(duplex=False)
    front.migrate_first(facts(url), told)
    assert said.poll(5) and said.recv() == front.MIGRATED
    engine = make_engine(url)
    assert up_to_date(engine, shipped_folders())
    engine.dispose()


def test_a_database_that_cannot_be_created_is_left_to_the_back_which_says_why(tmp_path: Path):
    (tmp_path / "a-file").write_text("not a folder")
    said, told = multiprocessing.Pipe(duplex=False)
    front.migrate_first(facts(f"sqlite:///{tmp_path}/a-file/relais.db"), told)
    assert not said.poll()  # nothing said: the front waits for the back, which says what is wrong


def test_the_migrations_at_start_load_no_orm_model_nor_any_feature(tmp_path: Path):
    """What the front waits for on a new database: Alembic and the migration files, not the
    rest of Relais (storage/migrations/env.py loads the features' tables only to compare)."""
    code = (
        "import sys; from storage.engine import make_engine; from storage.versions import migrate, shipped_folders; "
        f"migrate(make_engine('sqlite:///{tmp_path}/relais.db'), shipped_folders()); "
        "print(' '.join(sorted(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    held = set(result.stdout.split())
    assert "alembic" in held  # it did migrate: the test can fail
    assert not {m for m in held if m.startswith(("sqlalchemy.orm", "handlers.", "storage.models", "bot."))}


def test_the_relais_script_loads_nothing_of_relais_before_it_runs(tmp_path: Path):
    """The `relais` script (systemd's and the image's) starts with `from bot.__main__ import
    main`; the import system asks that module for `__path__`, which once loaded all of Relais
    into the lean front through its `__getattr__`."""
    code = "import sys; from bot.__main__ import main; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sorted(m for m in result.stdout.split() if m.split(".")[0] in ("bot", "handlers", "storage")) == [
        "bot",
        "bot.__main__",
    ]


def test_ctrl_c_that_cut_an_import_short_is_still_said_in_one_line(tmp_path: Path):
    """What the Ctrl-C interrupted cannot load again: SQLAlchemy cut short, the line is said in
    French from the catalogs; Babel cut short too, in English. Never a traceback."""
    said = []
    for broken in (["sqlalchemy"], ["sqlalchemy", "babel"]):
        code = (
            f"import sys; sys.modules.update(dict.fromkeys({broken!r})); "  # None there: their import fails
            "from bot.front_settings import say_stopped; say_stopped()"
        )
        env = {**without_settings(), "RELAIS_LANGUAGE": "fr"}
        result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=60)  # fmt: skip
        said.append((result.returncode, result.stderr))
    assert said == [(0, "relais\u202f: arrêté\n"), (0, "relais: stopped\n")]
