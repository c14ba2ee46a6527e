"""SearchEngine: the GuideSearch implementation over a tantivy index on disk."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import tantivy

from civicline.core.models import Guide
from civicline.core.ports import GuideHit, SearchPage
from civicline.search import index as f
from civicline.search.analyzer import Analyzer
from civicline.search.documents import Memo, guide_document, read_memo, read_payload
from civicline.search.highlight import snippet, term_pattern
from civicline.search.index import GuideIndex
from civicline.search.plan import Planner
from civicline.search.query import build_query
from civicline.search.resources import load_search_data
from civicline.search.suggest import Suggester
from civicline.search.synonyms import SynonymMap
from civicline.search.typos import HomophoneIndex, PinyinSpelling

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 50
MAX_OFFSET = 1000  # deep paging is never useful to a citizen and costs the searcher
_REFRESH_EVERY_S = 1.0  # how often to look for other processes' commits
_PROGRESS_EVERY = 500


class SearchEngine:
    """Chinese full-text search over service guides (see civicline.core.ports.GuideSearch)."""

    def __init__(self, index_dir: Path, *, data_dir: Path | None = None) -> None:
        """Open (or create) the index at `index_dir`; `data_dir` adds operator data files."""
        data = load_search_data(data_dir)
        self.analyzer = Analyzer(data)
        self._synonyms = SynonymMap(data.synonyms)
        self._index = GuideIndex(Path(index_dir), data.fingerprint)
        self._static_words = self._dictionary_words()
        self._homophones = HomophoneIndex()
        self._spelling = PinyinSpelling()
        self._suggester = Suggester(self._synonyms.keys)
        self._planner = Planner(self.analyzer, self._synonyms, self._homophones)
        self._generation = 0.0
        self._checked_at = 0.0
        self._load_memory()

    @classmethod
    def open(cls, index_dir: Path, rebuild_from: Callable[[], Iterable[Guide]] | None = None,
             *, data_dir: Path | None = None) -> SearchEngine:
        """Open the index, rebuilding it from `rebuild_from()` if missing, outdated or corrupt."""
        engine = cls(index_dir, data_dir=data_dir)
        if engine.needs_rebuild and rebuild_from is not None:
            engine.rebuild(rebuild_from())
        return engine

    @property
    def needs_rebuild(self) -> bool:
        """True when the index was (re)created empty and no rebuild has filled it yet."""
        return self._index.fresh

    # -- writing ---------------------------------------------------------------------------

    def rebuild(self, guides: Iterable[Guide],
                progress: Callable[[int], None] | None = None) -> int:
        """Replace the whole index with `guides` in one commit; returns how many were indexed.

        `progress` is called with the number of guides indexed since its previous call.
        """
        count = 0
        memos: list[Memo] = []
        with self._index.writer(rebuild=True) as writer:
            writer.delete_all_documents()
            for guide in guides:
                doc, memo = guide_document(guide, self.analyzer)
                writer.add_document(doc)
                memos.append(memo)
                count += 1
                if progress is not None and count % _PROGRESS_EVERY == 0:
                    progress(_PROGRESS_EVERY)
        if progress is not None and count % _PROGRESS_EVERY:
            progress(count % _PROGRESS_EVERY)
        self._load_memory(memos)
        return count

    def upsert(self, guide: Guide) -> None:
        """Add or replace one guide; the next search (in this process) sees it."""
        self.upsert_many([guide])

    def upsert_many(self, guides: Iterable[Guide]) -> None:
        """Add or replace a small batch of guides in one commit."""
        built = [(g, *guide_document(g, self.analyzer)) for g in guides]
        if not built:
            return
        with self._index.writer() as writer:
            for guide, doc, _ in built:
                writer.delete_documents_by_term(f.ID, guide.id)
                writer.add_document(doc)
        for guide, _, memo in built:
            self._remember(memo)
            log.debug("search: indexed guide %s", guide.id)
        self._generation = self._index.generation()

    def remove(self, guide_id: str) -> None:
        with self._index.writer() as writer:
            writer.delete_documents_by_term(f.ID, guide_id)
        self._suggester.remove(guide_id)
        self._generation = self._index.generation()

    # -- reading ---------------------------------------------------------------------------

    def search(self, query: str, department: str | None = None, life_event: str | None = None,
               page: int = 1, page_size: int = 10) -> SearchPage:
        self._maybe_refresh()
        plan = self._planner.plan(query if isinstance(query, str) else "")
        if plan.empty:
            return SearchPage(total=0, hits=())
        searcher = self._index.searcher()
        built = build_query(plan, self._index.schema, searcher, self._spelling,
                            department or None, life_event or None)
        if built is None:
            return SearchPage(total=0, hits=())
        size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        offset = min((max(1, int(page)) - 1) * size, MAX_OFFSET)
        result = searcher.search(built.query, limit=size, count=True, offset=offset)
        total = int(getattr(result, "count", None) or len(result.hits))
        pattern = term_pattern(plan.terms)
        hits = []
        for score, address in result.hits:
            payload = read_payload(searcher.doc(address))
            hits.append(GuideHit(
                guide_id=payload["id"], title=payload["title"],
                department=payload["department"],
                snippet=snippet(payload, pattern),
                score=round(float(score), 4)))
        did_you_mean = hits[0].title if built.fuzzy and hits and page <= 1 else None
        return SearchPage(total=total, hits=tuple(hits), did_you_mean=did_you_mean)

    def suggest(self, prefix: str, limit: int = 10) -> list[str]:
        self._maybe_refresh()
        return self._suggester.complete(prefix if isinstance(prefix, str) else "", limit)

    # -- in-memory structures (suggestions, typo vocabulary) -------------------------------

    def _dictionary_words(self) -> list[str]:
        words = [w for w, _ in self.analyzer.data.user_words]
        words += self._synonyms.keys
        words += [t for target in self._synonyms.targets() for t in target.split()]
        return words

    def _remember(self, memo: Memo) -> None:
        self._suggester.put(memo["id"], memo["names"])
        for word, full in memo["vocab"]:
            self._homophones.add(word, full)
            self._spelling.add(full)

    def _stored_memos(self) -> Iterator[Memo]:
        searcher = self._index.searcher()
        if searcher.num_docs:
            result = searcher.search(tantivy.Query.all_query(), limit=searcher.num_docs)
            for _, address in result.hits:
                yield read_memo(searcher.doc(address))

    def _load_memory(self, memos: Iterable[Memo] | None = None) -> None:
        """Rebuild suggestions and typo vocabulary from every guide (read from the index)."""
        self._generation = self._index.generation()
        homophones = HomophoneIndex()
        spelling = PinyinSpelling()
        for word in self._static_words:
            homophones.add(word)
        names = []
        seen: set[str] = set()
        for memo in self._stored_memos() if memos is None else memos:
            names.append((memo["id"], memo["names"]))
            for word, full in memo["vocab"]:
                if word not in seen:  # guides share most words; one entry each is enough
                    seen.add(word)
                    homophones.add(word, full)
                    spelling.add(full)
        self._suggester.load(names)
        self._homophones = homophones
        self._spelling = spelling
        self._planner = Planner(self.analyzer, self._synonyms, homophones)

    def _maybe_refresh(self) -> None:
        """Pick up commits made by other processes (cheap stat, at most once a second)."""
        now = time.monotonic()
        if now - self._checked_at < _REFRESH_EVERY_S:
            return
        self._checked_at = now
        if self._index.generation() != self._generation:
            self._index.reload()
            self._load_memory()
