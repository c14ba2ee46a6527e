"""The tantivy index on disk: schema, opening (or recreating) it, writing, and reading."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import tantivy

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
MARKER = "civicline-search.json"  # schema version and analysis fingerprint of the index

# Field names. Text fields hold folded, segmented terms; positions only where phrases matter.
ID = "id"
TITLE = "title"
ALIAS = "alias"
KEYWORD = "keyword"
PINYIN = "pinyin"
EXACT = "exact"
MATERIAL = "material"
DEPT_TEXT = "dept"
BODY = "body"
DEPARTMENT = "department"
LIFE_EVENT = "life_event"
PAYLOAD = "payload"
MEMO = "memo"

_WRITER_HEAP = 64_000_000
_REBUILD_HEAP = 256_000_000
_LOCK_WAIT_S = 10.0


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field(ID, stored=True, tokenizer_name="raw")
    # Pre-tokenised fields: we supply the tokens, tantivy's tokenizer name is unused for them.
    sb.add_text_field(TITLE, tokenizer_name="whitespace")
    sb.add_text_field(ALIAS, tokenizer_name="whitespace")
    sb.add_text_field(PINYIN, tokenizer_name="whitespace", index_option="freq")
    # Whitespace-joined words; no positions needed, which keeps the index small and fast.
    sb.add_text_field(KEYWORD, tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field(MATERIAL, tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field(DEPT_TEXT, tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field(BODY, tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field(EXACT, tokenizer_name="raw", index_option="basic")
    sb.add_text_field(DEPARTMENT, tokenizer_name="raw", index_option="basic")
    sb.add_text_field(LIFE_EVENT, tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field(PAYLOAD, stored=True)
    sb.add_bytes_field(MEMO, stored=True)
    return sb.build()


class IndexBusy(RuntimeError):
    """Another writer (this or another process) kept the index lock for too long."""


class GuideIndex:
    """One tantivy index directory; any number of processes read it, one writes at a time."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.schema = build_schema()
        self._fingerprint = fingerprint
        self.fresh = False  # True when the directory was (re)created and needs a rebuild
        self._index = self._open()
        # Other processes' commits reach this reader by tantivy's own reload-on-commit policy.
        self._index.config_reader(reload_policy="commit")

    def _marker(self) -> dict[str, object]:
        return {"schema": SCHEMA_VERSION, "analysis": self._fingerprint}

    def _open(self) -> tantivy.Index:
        self.path.mkdir(parents=True, exist_ok=True)
        marker = self.path / MARKER
        try:
            current = json.loads(marker.read_text(encoding="utf-8")) if marker.exists() else None
            if current == self._marker() and tantivy.Index.exists(str(self.path)):
                index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
                index.searcher()  # opening segments is where corruption shows
                return index
            log.info("search index at %s is missing or outdated; recreating", self.path)
        except Exception as exc:  # corrupt files are never fatal: start again from the guides
            log.warning("search index at %s unreadable (%s); recreating", self.path, exc)
        return self._recreate()

    def _recreate(self) -> tantivy.Index:
        for child in self.path.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
        index = tantivy.Index(self.schema, path=str(self.path), reuse=False)
        (self.path / MARKER).write_text(json.dumps(self._marker()), encoding="utf-8")
        self.fresh = True
        return index

    @contextlib.contextmanager
    def writer(self, rebuild: bool = False) -> Iterator[tantivy.IndexWriter]:
        """A writer whose changes are committed and visible to this process on exit."""
        heap, threads = (_REBUILD_HEAP, 0) if rebuild else (_WRITER_HEAP, 1)
        deadline = time.monotonic() + _LOCK_WAIT_S
        while True:
            try:
                writer = self._index.writer(heap_size=heap, num_threads=threads)
                break
            except ValueError as exc:  # LockBusy: another writer is committing right now
                if time.monotonic() > deadline:
                    raise IndexBusy(str(exc)) from exc
                time.sleep(0.05)
        try:
            yield writer
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()  # also releases the lock for other processes
        self._index.reload()  # synchronous, so the very next search sees the change
        if rebuild:
            self.fresh = False

    def reload(self) -> None:
        self._index.reload()

    def searcher(self) -> tantivy.Searcher:
        return self._index.searcher()

    def generation(self) -> float:
        """Changes whenever any process commits (meta.json is rewritten on each commit)."""
        try:
            return (self.path / "meta.json").stat().st_mtime_ns
        except OSError:
            return 0.0
