"""Per-article extraction cache: what makes rebuilds incremental.

Extracting an article is a pure function of the article (its text, file name,
publication date and encoding), the ontology files and kg's code. The build
keeps each article's :class:`~kg.pipeline.extract.records.ArticleExtraction` as JSON in
``{out}/.kg/cache/{key}.json`` (see :mod:`kg.pipeline.outputs`), where ``key`` is a SHA-256 over

- the *fingerprint* of the build: kg's version, spaCy's version, the ontology
  files (``*.ttl`` of the ontology folder) and the source files of the modules
  extraction runs (``kg/pipeline/extract``, ``kg/pipeline/nlp``, ``kg/lang``, ``kg/vocab``,
  ``kg/pipeline/corpus.py``);
- the article: its file name, publication date, encoding, the language it is read in
  and the SHA-256 of its text as read.

A re-run extracts only articles whose key has no entry; a change of code or
ontology changes every key. Entries are plain data (frozen dataclasses written
field by field and read back through their type hints), so a cached build is
byte-identical to a fresh one. A damaged or foreign entry is a cache miss, never
an error.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import tempfile
import types
import typing
from pathlib import Path
from typing import Any

from kg import __version__ as kg_version
from kg.errors import OutputError
from kg.pipeline.corpus import Article
from kg.pipeline.extract.records import ArticleExtraction

FORMAT = 1
# The modules whose code decides what an article's extraction is.
SOURCE_PARTS = ("pipeline/corpus.py", "pipeline/nlp", "pipeline/extract", "lang", "vocab")


def _inputs(ontology_dir: Path) -> list[tuple[str, Path]]:
    """(label, path) of every file the fingerprint covers, in a fixed order."""
    files = [(f"ontology/{p.name}", p) for p in sorted(ontology_dir.glob("*.ttl"))]
    package = Path(__file__).resolve().parents[1]  # kg/
    for part in SOURCE_PARTS:
        target = package / part
        paths = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        files += [(p.relative_to(package).as_posix(), p) for p in paths]
    return files


@functools.lru_cache(maxsize=8)
def _fingerprint(signature: tuple[tuple[str, str, int, int], ...]) -> str:
    import spacy

    h = hashlib.sha256()
    h.update(f"kg {kg_version}\0spacy {spacy.__version__}\0cache {FORMAT}\0".encode())
    for label, path, _, _ in signature:
        h.update(label.encode("utf-8") + b"\0")
        h.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return h.hexdigest()


def fingerprint(ontology_dir: Path | str) -> str:
    """The build fingerprint: kg and spaCy versions, ontology files, extraction sources.

    Memoised on the files' sizes and modification times, so an edited file is seen.
    """
    signature = []
    for label, path in _inputs(Path(ontology_dir).resolve()):
        st = path.stat()
        signature.append((label, str(path), st.st_mtime_ns, st.st_size))
    return _fingerprint(tuple(signature))


def article_key(article: Article, build_fingerprint: str) -> str:
    """The cache key of one article under one build fingerprint."""
    published = article.published.isoformat() if article.published else ""
    parts = (
        build_fingerprint,
        article.file_name,
        published,
        article.encoding,
        article.language,
        article.sha256,
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


# --- records to JSON and back ------------------------------------------------------


def to_dict(value: Any) -> Any:
    """A frozen record (and everything in it) as JSON-ready data: objects, lists, scalars."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_dict(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


_SCALARS = (str, int, float, bool, type(None))


def from_dict(tp: Any, value: Any, memo: dict | None = None) -> Any:
    """Rebuild a value of type ``tp`` (a record class, tuple, optional, scalar) from :func:`to_dict`.

    With a ``memo`` (any dict, shared across calls), equal strings and equal flat records
    (an entity, an evidence span) become one shared object: frozen records may share, and
    a corpus names the same entities and sentences again and again (6× less memory).
    """
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            if len(options) == len(typing.get_args(tp)):
                raise ValueError(f"None for {tp}")
            return None
        if len(options) != 1:
            raise TypeError(f"cannot read a value of {tp}")
        return from_dict(options[0], value, memo)
    if value is None:
        raise ValueError(f"None for {tp}")
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ValueError(f"{tp.__name__}: expected an object")
        key = None
        if memo is not None and all(isinstance(v, _SCALARS) for v in value.values()):
            key = (tp, tuple(value.items()))
            shared = memo.get(key)
            if shared is not None:
                return shared
        hints = _hints(tp)
        names = _names(tp)
        if not names.issuperset(value):
            raise ValueError(f"{tp.__name__}: unknown fields {sorted(set(value) - names)}")
        obj = tp(**{k: from_dict(hints[k], v, memo) for k, v in value.items()})
        if key is not None:
            memo[key] = obj
        return obj
    if origin is tuple:
        if not isinstance(value, list):
            raise ValueError(f"{tp}: expected a list")
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_dict(args[0], v, memo) for v in value)
        if len(args) != len(value):
            raise ValueError(f"{tp}: expected {len(args)} items")
        return tuple(from_dict(a, v, memo) for a, v in zip(args, value, strict=True))
    if tp in (str, int, float, bool):
        if type(value) is not tp and not (tp is float and type(value) is int):
            raise ValueError(f"expected {tp.__name__}, got {type(value).__name__}")
        if memo is not None and tp is str:
            return memo.setdefault(value, value)
        return value
    raise TypeError(f"cannot read a value of {tp}")


@functools.cache
def _names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


def dumps(extraction: ArticleExtraction) -> bytes:
    return json.dumps(to_dict(extraction), ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def loads(data: bytes) -> ArticleExtraction:
    return from_dict(ArticleExtraction, json.loads(data))


# --- the cache folder -------------------------------------------------------------------

_ENTRY = re.compile(r"^[0-9a-f]{64}\.json$")
_ENTRY_TMP = re.compile(r"^\.entry\.[A-Za-z0-9_]+\.tmp$")


class ExtractionCache:
    """``{out}/.kg/cache``: one JSON file per (article, fingerprint).

    ``prepare`` is called once before the first write (the build claims its output
    folder then, so that a corpus with nothing readable writes nothing at all)."""

    def __init__(self, folder: Path, build_fingerprint: str, prepare=None):
        self.folder = Path(folder)
        self.fingerprint = build_fingerprint
        self._prepare = prepare

    def key(self, article: Article) -> str:
        return article_key(article, self.fingerprint)

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, article: Article, memo: dict | None = None) -> ArticleExtraction | None:
        """The cached extraction of an article, or None (absent, damaged, or not this article's).

        ``memo``: see :func:`from_dict` (records of one build share equal parts)."""
        path = self._path(self.key(article))
        try:
            envelope = json.loads(path.read_bytes())
            if envelope.get("format") != FORMAT or envelope.get("fingerprint") != self.fingerprint:
                return None
            x = from_dict(ArticleExtraction, envelope["extraction"], memo)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        if (
            x.article != article.file_name
            or x.sha256 != article.sha256
            or x.language != article.language
        ):
            return None
        return x

    def put(self, article: Article, extraction: ArticleExtraction | bytes) -> None:
        """Store an extraction, or its JSON from :func:`dumps` (temporary file and rename:
        a reader never sees half a file)."""
        raw = extraction if isinstance(extraction, bytes) else dumps(extraction)
        head = {"format": FORMAT, "fingerprint": self.fingerprint, "article": article.file_name}
        data = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1].encode("utf-8")
        data += b',"extraction":' + raw + b"}"
        if self._prepare is not None:
            self._prepare()
            self._prepare = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".entry.", suffix=".tmp", dir=self.folder)
        except OSError as exc:
            raise OutputError(
                f"cannot write to the output folder {self.folder.parent.name!r} ({exc.strerror})"
            ) from exc
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self._path(self.key(article)))
        except OSError as exc:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise OutputError(f"cannot write the extraction cache ({exc.strerror})") from exc

    def prune(self, keep: set[str]) -> int:
        """Delete entries whose key is not in ``keep`` (removed or changed articles, old code).

        Only names the cache writes itself (a 64-digit hex key, its temporaries) are touched."""
        if not self.folder.is_dir():
            return 0
        removed = 0
        for path in self.folder.iterdir():
            stale = _ENTRY.match(path.name) is not None and path.stem not in keep
            if stale or _ENTRY_TMP.match(path.name):
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    pass
        return removed
