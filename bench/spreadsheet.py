"""How long `relais import moderation` and `relais export moderation` take on a
50,000-row Windows-1252 CSV (what French Excel saves), and their peak memory,
against a baseline run in the same invocation: the least same work, the csv module
reading the file and one `executemany` into SQLite, then the rows read back and
written out with the csv module.

Each step runs as its own process, as a volunteer runs it (start-up included),
on a new SQLite file in bench/out/; peak memory is that process's max RSS.

    python bench/spreadsheet.py [--rows 50000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
NETWORKS = ["facebook", "instagram", "x", "linkedin", "youtube", "tiktok"]
WORDS = "Vous êtes nuls, quelle honte ! Éloïse Cœur a raison : l’asso ne répond jamais… 12 € pour ça ?".split()

BASELINE = """
import csv, sqlite3, sys
src, db, out = sys.argv[1:4]
conn = sqlite3.connect(db)
conn.execute("CREATE TABLE e (seen_at TEXT, network TEXT, link TEXT, author TEXT, excerpt TEXT, severity TEXT)")
with open(src, encoding="cp1252", newline="") as f:
    rows = csv.reader(f, delimiter=";")
    next(rows)
    conn.executemany("INSERT INTO e VALUES (?, ?, ?, ?, ?, ?)", rows)
conn.commit()
with open(out, "w", encoding="utf-8-sig", newline="") as f:
    w = csv.writer(f, delimiter=";")
    w.writerow(["seen_at", "network", "link", "author", "excerpt", "severity"])
    w.writerows(conn.execute("SELECT * FROM e"))
"""


def make_file(path: Path, rows: int) -> None:
    rnd = random.Random(7)
    lines = ["Date;Réseau;Lien;Auteur;Extrait;Gravité"]
    for n in range(rows):
        excerpt = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(5, 25)))
        day = (
            f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 10):02d}/2026 {rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}"
        )
        link = f"https://facebook.com/asso/posts/{n}"
        lines.append(f'{day};{rnd.choice(NETWORKS)};{link};Auteur {n % 500};"{excerpt}";{rnd.choice(["low", "high"])}')
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak resident MB of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=OUT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{args} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def round_once(src: Path, n: int) -> dict[str, tuple[float, float]]:
    for old in OUT.glob(f"r{n}-*"):
        old.unlink()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RELAIS_", "DATABASE_URL"))}
    env |= {"DATABASE_URL": f"sqlite:///{OUT / f'r{n}-relais.db'}", "RELAIS_LANGUAGE": "fr"}
    relais = [sys.executable, "-m", "bot"]
    env["PYTHONPATH"] = str(ROOT)
    run([*relais, "migrate"], env)  # a database in use already has its schema
    return {
        "baseline": run(
            [sys.executable, "-c", BASELINE, str(src), str(OUT / f"r{n}-base.db"), str(OUT / f"r{n}-base.csv")], env
        ),
        "import": run([*relais, "import", "moderation", str(src)], env),
        "export csv": run([*relais, "export", "moderation", "--out", str(OUT / f"r{n}-out.csv")], env),
        "export xlsx": run([*relais, "export", "moderation", "--out", str(OUT / f"r{n}-out.xlsx")], env),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    src = OUT / f"moderation-{options.rows}.csv"
    if not src.exists():
        make_file(src, options.rows)
    rounds = [round_once(src, n) for n in range(options.rounds)]
    median = {k: (statistics.median(r[k][0] for r in rounds), max(r[k][1] for r in rounds)) for k in rounds[0]}
    base = median["baseline"][0]
    report = {
        "rows": options.rows,
        "rounds": options.rounds,
        **{
            k: {"seconds": round(s, 2), "ratio": round(s / base, 1), "peak_mb": round(mb, 1)}
            for k, (s, mb) in median.items()
        },
    }
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
