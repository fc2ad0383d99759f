"""Keep the message catalogs in step with the code: every `_()` / `N_()` string of
handlers/ and bot/ is in both .po files, strings the code no longer says are
dropped, and French translations come from a JSON file {"msgid": "traduction"}.

    python scripts/catalog.py [fr.json]

Lists the French messages still untranslated (tests/unit/test_i18n.py fails on them)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "handlers" / "locale"


def extracted() -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = {}
    for folder in ("handlers", "bot"):
        for file, line, message, _comments, _ctx in extract_from_dir(ROOT / folder, keywords={"_": None, "N_": None}):
            if isinstance(message, str):
                found.setdefault(message, []).append((f"{folder}/{file}", line))
    return found


def update(lang: str, messages: dict[str, list[tuple[str, int]]], french: dict[str, str]) -> list[str]:
    po = LOCALES / lang / "LC_MESSAGES" / "relais.po"
    with po.open("rb") as fp:
        old = read_po(fp, locale=lang)
    new = Catalog(locale=lang, project=old.project, charset="utf-8")
    new.mime_headers = old.mime_headers
    for msgid in messages:
        known = old.get(msgid)
        string = french.get(msgid) if lang == "fr" and msgid in french else (known.string if known else "")
        flags = ["python-brace-format"] if "{" in msgid else []
        new.add(msgid, string or "", flags=flags)
    with po.open("wb") as fp:
        write_po(fp, new, width=0, omit_header=False, no_location=True)
    return [m for m in messages if lang == "fr" and not new.get(m).string]  # type: ignore[union-attr]


def main() -> int:
    french = json.loads(Path(sys.argv[1]).read_text()) if len(sys.argv) > 1 else {}
    messages = extracted()
    update("en", messages, {})
    missing = update("fr", messages, french)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
