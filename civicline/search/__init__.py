"""Chinese search over service guides: tantivy index, jieba segmentation, pinyin, synonyms."""

from civicline.search.engine import SearchEngine

__all__ = ["SearchEngine"]
