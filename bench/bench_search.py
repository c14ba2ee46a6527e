"""Search benchmark: build N synthetic guides, time queries and suggestions, compare with FTS5.

Run: .venv/bin/python bench/bench_search.py [--guides 20000] [--queries 500]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from civicline.core.models import Guide
from civicline.search import SearchEngine
from civicline.search.normalize import fold

_DISTRICTS = ("东城区", "西城区", "南山区", "北湖区", "高新区", "滨江区", "临港新区", "开发区")
QUERIES = (
    "结婚登记", "jiehun", "jhdj", "sbk", "shebaoka", "营业支照", "身份證補辦", "开饭店",
    "我想开饭店需要什么材料", "社保卡丢了怎么办", "上户口", "跑网约车", "公积金提取",
    "租房提取公积金", "不动产转移登记", "二手房过户", "驾照到期", "护照", "港澳通行证",
    "失业金怎么领", "个体户执照", "食品经营许可", "出生登记需要什么材料", "户口迁入",
    "残疾证", "退休金", "异地就医", "教师资格证", "网吧", "今天天气怎么样", "asdfgh",
    "公安局", "税务局发票", "一般纳税人", "建设工程规划许可证", "环评", "排污许可证",
    "养老院备案", "法律援助", "烟草证", "jiehundengji", "bdcdj", "社保k", "居住证",
)


def synthetic(count: int, seed: int) -> Iterator[Guide]:
    """civicline.demo.synthetic when it exists, else demo guides varied per district."""
    try:
        from civicline.demo.synthetic import synthetic_guides  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        pass
    else:
        yield from synthetic_guides(count, seed)
        return
    from civicline.demo.guides import demo_guides

    base = demo_guides()
    rng = random.Random(seed)
    for i in range(count):
        g = base[i % len(base)]
        district = _DISTRICTS[(i // len(base)) % len(_DISTRICTS)]
        conditions = list(g.conditions)
        rng.shuffle(conditions)
        yield replace(g, id=str(100_000 + i), title=f"{g.title}（{district}{i // 1000}）",
                      conditions=(*conditions, f"在{district}有合法稳定住所或经营场所"),
                      window=f"{district}政务服务中心{rng.randint(1, 60)}号窗口")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def timed(fn: Callable[[str], object], queries: list[str]) -> list[float]:
    out = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t) * 1000)
    return out


def fts5_baseline(engine: SearchEngine, guides: list[Guide], path: Path
                  ) -> tuple[float, Callable[[str], object]]:
    """SQLite FTS5 over the same segmented text (title and body), bm25-ranked."""
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE g USING fts5(id UNINDEXED, title, body, tokenize='unicode61')")
    words = engine.analyzer.words
    t = time.perf_counter()
    rows = []
    for g in guides:
        body = [*g.aliases, *g.keywords, *(m.name for m in g.materials), *g.conditions,
                *g.procedure, *(x for f in g.faqs for x in (f.question, f.answer))]
        rows.append((g.id, " ".join(words(g.title)), " ".join(w for b in body for w in words(b))))
    db.executemany("INSERT INTO g VALUES (?, ?, ?)", rows)
    db.commit()
    build = time.perf_counter() - t

    def query(q: str) -> object:
        tokens = [w.replace('"', "") for w in words(fold(q)[:100])]
        if not tokens:
            return []
        match = " OR ".join(f'"{w}"' for w in tokens if w)
        return db.execute("SELECT id, snippet(g, 2, '<mark>', '</mark>', '…', 12) FROM g "
                          "WHERE g MATCH ? ORDER BY bm25(g, 5.0, 1.0) LIMIT 10",
                          (match,)).fetchall()

    return build, query


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guides", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    guides = list(synthetic(args.guides, args.seed))
    rng = random.Random(args.seed)
    queries = [rng.choice(QUERIES) for _ in range(args.queries)]
    prefixes = [q[: rng.randint(1, max(1, min(4, len(q))))] for q in queries]
    with tempfile.TemporaryDirectory() as tmp:
        engine = SearchEngine(Path(tmp) / "index")
        t = time.perf_counter()
        engine.rebuild(guides)
        build = time.perf_counter() - t
        size = sum(p.stat().st_size for p in (Path(tmp) / "index").rglob("*") if p.is_file())
        for q in QUERIES:  # warm caches the way a running server has them warm
            engine.search(q)
        search_ms = timed(engine.search, queries)
        suggest_ms = timed(engine.suggest, prefixes)
        fts_build, fts_query = fts5_baseline(engine, guides, Path(tmp) / "fts.db")
        for q in QUERIES:
            fts_query(q)
        fts_ms = timed(fts_query, queries)
    s50, s99 = percentiles(search_ms)
    g50, g99 = percentiles(suggest_ms)
    f50, f99 = percentiles(fts_ms)
    print(f"guides            {len(guides)}")
    print(f"rebuild           {build:.1f} s   index {size / 1e6:.1f} MB")
    print(f"search  p50/p99   {s50:.2f} / {s99:.2f} ms   ({len(queries)} queries)")
    print(f"suggest p50/p99   {g50:.3f} / {g99:.3f} ms")
    print(f"fts5    p50/p99   {f50:.2f} / {f99:.2f} ms   (build {fts_build:.1f} s, same text)")
    print(f"ratio tantivy/fts5 p50 {s50 / f50:.2f}  p99 {s99 / f99:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
