"""Benchmark data sets, generated once per size with `civicline demo generate` and kept."""

from __future__ import annotations

import random
import sqlite3
import subprocess
from pathlib import Path

import orjson

from bench.harness import ROOT, VENV_BIN

DATA_ROOT = ROOT / "bench" / "data"


def case_dataset(cases: int) -> Path:
    """A data directory holding `cases` demo cases (generated on first use, with progress)."""
    data_dir = DATA_ROOT / f"cases-{cases}"
    marker = data_dir / ".complete"
    if not marker.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 -- our own CLI
            [str(VENV_BIN / "civicline"), "demo", "generate", "--cases", str(cases),
             "--data-dir", str(data_dir)], check=True)
        marker.touch()
    return data_dir


def sample_cases(data_dir: Path, count: int = 20000, *, seed: int = 7
                 ) -> list[tuple[str, str]]:
    """Random (case key, query code) pairs of non-confidential cases in a data set."""
    conn = sqlite3.connect(data_dir / "civicline.sqlite3")
    try:
        keys = [r[0] for r in conn.execute("SELECT key FROM cases WHERE confidential=0")]
        picked = random.Random(seed).sample(keys, min(count, len(keys)))
        rows = []
        for key in picked:
            body = conn.execute("SELECT body FROM cases WHERE key=?", (key,)).fetchone()[0]
            rows.append((key, str(orjson.loads(body)["code"])))
        return rows
    finally:
        conn.close()
