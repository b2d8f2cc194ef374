"""Reading a corpus folder into Article records.

Reading is the only step that touches the article files. It decodes bytes with
an explicit, reported choice of encoding, turns HTML pages into text, and
marks web boilerplate (comment forms, "back to top" buttons) so the extractor
skips it. What it knows of the articles' language (its letters, its legacy
encoding, its page furniture) comes from the language (kg.lang) the corpus is
read in. The text it returns is the text every character offset in the graph
refers to; it is never modified afterwards.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import errno
import functools
import hashlib
import html
import itertools
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import kg.lang as kglang
from kg.errors import InputError

ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm")
MANIFEST = "manifest.csv"
MAX_BYTES = 50 * 1024 * 1024
"""Default size limit of one article file (bytes); ``KG_MAX_BYTES`` overrides it."""
MAX_BYTES_ENV = "KG_MAX_BYTES"
_SIZE = re.compile(r"^\s*([0-9]+)\s*([kmg]?)(?:i?b)?\s*$", re.I)


def max_bytes() -> int:
    """The size limit of one article file: ``$KG_MAX_BYTES`` (bytes, or with K/M/G), else 50 MB."""
    raw = os.environ.get(MAX_BYTES_ENV, "")
    if not raw.strip():
        return MAX_BYTES
    m = _SIZE.match(raw)
    if not m or int(m.group(1)) <= 0:
        raise InputError(
            f"{MAX_BYTES_ENV}={raw!r} is not a size (bytes, or a number with K, M or G)"
        )
    return int(m.group(1)) * 1024 ** " kmg".index(m.group(2).lower() or " ")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def display_name(name: str) -> str:
    """A file name as one printable line: control characters and undecodable bytes escaped."""
    out = []
    for ch in name:
        if 0xDC80 <= ord(ch) <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


@dataclass(frozen=True)
class Article:
    """One article as read: the text that offsets refer to, and where it came from."""

    article_id: str
    file_name: str
    text: str
    sha256: str
    published: dt.date | None
    encoding: str
    skip_spans: tuple[tuple[int, int], ...] = field(default=())
    """Character spans of boilerplate that extraction ignores."""
    language: str = kglang.DEFAULT
    """The code of the language the article is read in (kg.lang)."""

    def in_boilerplate(self, start: int, end: int) -> bool:
        starts = self._skip_starts
        if starts is None:
            return any(s <= start and end <= e for s, e in self.skip_spans)
        # sorted, disjoint spans: only the last one starting at or before ``start`` can
        # hold the range (a binary search: a test against every span made extraction
        # quadratic in an article with many boilerplate lines)
        k = bisect.bisect_right(starts, start)
        return k > 0 and end <= self.skip_spans[k - 1][1]

    @functools.cached_property
    def _skip_starts(self) -> list[int] | None:
        """Starts of the skip spans if they are sorted and disjoint (as read), else None."""
        spans = self.skip_spans
        if all(s < e for s, e in spans) and all(
            a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)
        ):
            return [s for s, _ in spans]
        return None


@dataclass(frozen=True)
class Problem:
    """An article that could not be read, with a one-line reason."""

    file_name: str
    message: str

    def __str__(self) -> str:
        return f"{display_name(self.file_name)}: {' '.join(self.message.split())}"


def article_id_for(file_name: str) -> str:
    """The ASCII id of an article: its file stem, lower-cased, other characters as '-'."""
    stem = Path(file_name).stem.lower()
    slug = re.sub(r"[^a-z0-9_-]+", "-", stem).strip("-")
    if not slug:
        slug = "article-" + hashlib.sha1(file_name.encode("utf-8")).hexdigest()[:10]
    return slug


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def read_manifest(folder: Path) -> dict[str, dt.date | None]:
    """Publication dates from ``manifest.csv`` (columns file, published; more allowed).

    Column names are matched ignoring case and surrounding spaces ("File",
    " Published "); two columns with one such name are refused. A date is a complete
    ``YYYY-MM-DD`` and nothing else ("2020-03-17junk", "2020-03-17T10:00", "20200317"
    are refused), or empty for unknown. A file listed twice with different dates is
    refused, naming both; the same row twice is fine.
    """
    path = folder / MANIFEST
    if not path.exists():
        if path.is_symlink():  # a manifest that cannot be read is not "no manifest"
            raise InputError(f"{MANIFEST}: a symbolic link that leads nowhere (broken, or a loop)")
        return {}
    dates: dict[str, dt.date | None] = {}
    lines: dict[str, int] = {}
    if not path.is_file():
        raise InputError(f"{MANIFEST}: is not a file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = [h.strip().lower() for h in next(reader, None) or []]
            for col in ("file", "published"):
                if header.count(col) > 1:
                    raise InputError(f"{MANIFEST}: {header.count(col)} columns named {col!r}")
            if "file" not in header:
                raise InputError(f"{MANIFEST}: needs a 'file' column")
            file_col = header.index("file")
            date_col = header.index("published") if "published" in header else None
            for row in reader:
                name = row[file_col].strip() if file_col < len(row) else ""
                value = (
                    row[date_col].strip() if date_col is not None and date_col < len(row) else ""
                )
                if not name:
                    continue
                line_no = reader.line_num
                date = None
                if value:
                    try:
                        if not _ISO_DAY.fullmatch(value):
                            raise ValueError(value)
                        date = dt.date.fromisoformat(value)
                    except ValueError as exc:
                        raise InputError(
                            f"{MANIFEST}, line {line_no}: published date {value!r} is not YYYY-MM-DD"
                        ) from exc
                if name in dates and dates[name] != date:
                    before = dates[name].isoformat() if dates[name] else "no date"
                    now = date.isoformat() if date else "no date"
                    raise InputError(
                        f"{MANIFEST}, line {line_no}: {display_name(name)} is listed twice with "
                        f"different dates: {before} (line {lines[name]}) and {now}"
                    )
                dates[name] = date
                lines.setdefault(name, line_no)
    except UnicodeDecodeError as exc:
        raise InputError(f"{MANIFEST}: not UTF-8 ({exc.reason})") from exc
    except csv.Error as exc:
        raise InputError(f"{MANIFEST}: not a CSV file ({exc})") from exc
    except OSError as exc:
        raise InputError(f"{MANIFEST}: cannot be read ({exc.strerror})") from exc
    return dates


def _mixed_encodings(data: bytes, lang: kglang.Language) -> tuple[int, int] | None:
    """(offset of the first UTF-8 word of the language, offset of the first byte that is
    not UTF-8) when a file holds the language in UTF-8 and in its legacy encoding (for
    Arabic: Windows-1256), else None.

    Read whole as Windows-1256, such a file was accepted as Arabic-looking mojibake (the
    UTF-8 half becomes "ط§ظ„..."); read as UTF-8, the other half is not UTF-8. Mixed
    means: at least three words of the language in UTF-8 (``lang.utf8_letters``), and at
    least ten letters of the language among the bytes that are not UTF-8, read in the
    legacy encoding.
    """
    if lang.utf8_letters is None or lang.legacy_encoding is None:
        return None
    words = lang.utf8_letters.finditer(data)
    first = next(words, None)
    if first is None or sum(1 for _ in itertools.islice(words, 2)) < 2:
        return None
    lenient = data.decode("utf-8", errors="surrogateescape")
    bad = bytes(ord(c) - 0xDC00 for c in lenient if 0xDC80 <= ord(c) <= 0xDCFF)
    if len(lang.letter.findall(bad.decode(lang.legacy_encoding, errors="replace"))) < 10:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return first.start(), exc.start
    return None


def decode(
    data: bytes, file_name: str, language: str | kglang.Language | None = None
) -> tuple[str, str]:
    """Decode article bytes; returns (text, encoding). Never guesses silently.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are taken as they are.
    The language's legacy encoding (Windows-1256 for Arabic) is accepted only when
    UTF-8 fails and the result is mostly letters of the language; the encoding is
    recorded on the article and in the graph.
    """
    lang = kglang.get(language)
    if not data.strip():
        raise InputError(f"{file_name}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{file_name}: UTF-16 BOM but undecodable bytes at {exc.start}"
            ) from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        enc = "utf-8-sig"
    else:
        enc = "utf-8"
    if b"\x00" in data[:4096]:
        raise InputError(f"{file_name}: binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8"), enc
    except UnicodeDecodeError as utf8_error:
        mixed = _mixed_encodings(data, lang)
        legacy = (lang.legacy_encoding or "").capitalize()
        if mixed is not None:
            raise InputError(
                f"{file_name}: mixed encodings: {lang.name} in UTF-8 (from offset {mixed[0]}) "
                f"and {lang.name} in {legacy} (from offset {mixed[1]}); not guessed: convert "
                "the whole file to UTF-8"
            ) from utf8_error
        # Damaged UTF-8 (a flipped byte, a file cut mid-character) is not Windows-1256:
        # read as Windows-1256 it would be Arabic-looking mojibake, accepted silently.
        lenient = data.decode("utf-8", errors="replace")
        bad = lenient.count("\ufffd")
        if len(lang.letter.findall(lenient)) > 4 * bad:
            raise InputError(
                f"{file_name}: UTF-8 with {bad} undecodable byte sequence(s), the first at offset "
                f"{utf8_error.start} (damaged or truncated file; not guessed)"
            ) from utf8_error
        try:
            text = data.decode(lang.legacy_encoding) if lang.legacy_encoding else ""
        except UnicodeDecodeError:
            text = ""
        letters = [c for c in text if c.isalpha()]
        native = sum(1 for c in letters if lang.letter.match(c))
        if letters and native / len(letters) > 0.6:
            return text, lang.legacy_encoding
        raise InputError(
            f"{file_name}: not UTF-8 (undecodable byte at offset {utf8_error.start}) "
            + (f"and not {legacy} {lang.name}" if legacy else f"and not {lang.name} text")
        ) from utf8_error


class _TextExtractor(HTMLParser):
    """HTML to text: keeps paragraph breaks, drops scripts, styles and navigation."""

    SKIP = {"script", "style", "noscript", "nav", "footer", "header", "form", "aside", "template"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section"}

    def __init__(self, allowance: int = 0) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._wasted = 0
        self._allowance = allowance
        self.stuck_at = 0

    # html.parser gives up on an unfinished construct (a tag, comment or declaration
    # with no end before the end of the page) only after searching the rest of the page,
    # and at the end of the page it does so again from each "<" after it: "<a b" × 40,000
    # (160 KB) took 186 s. The searches that come to nothing are counted, and past an
    # allowance (several times the page's length: never reached by a page that is only
    # truncated) the rest of the page is read by pattern instead (html_to_text).
    def _unfinished(self, i: int, k: int) -> int:
        if k < 0 and self._allowance:
            self._wasted += len(self.rawdata) - i
            if self._wasted > self._allowance:
                self.stuck_at = i
                raise _TooCostly
        return k

    def parse_starttag(self, i: int) -> int:
        return self._unfinished(i, super().parse_starttag(i))

    def parse_endtag(self, i: int) -> int:
        return self._unfinished(i, super().parse_endtag(i))

    def parse_comment(self, i: int, report: int = 1) -> int:
        return self._unfinished(i, super().parse_comment(i, report))

    def parse_pi(self, i: int) -> int:
        return self._unfinished(i, super().parse_pi(i))

    def parse_html_declaration(self, i: int) -> int:
        return self._unfinished(i, super().parse_html_declaration(i))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


HTML_HINT = re.compile(r"<\s*(html|body|p|div|br|span|a|script|article)\b[^>]*>", re.I)


_SKIPPED_BLOCK = re.compile(
    r"<\s*(" + "|".join(sorted(_TextExtractor.SKIP)) + r")\b.*?(?:<\s*/\s*\1\s*>|$)", re.I | re.S
)
_BLOCK_TAG = re.compile(r"</?\s*(?:" + "|".join(sorted(_TextExtractor.BLOCK)) + r")\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]*>|<!--.*?(?:-->|$)", re.S)


class _TooCostly(Exception):
    """html.parser would search the rest of the page again for each of many "<"."""


def _strip_tags(text: str) -> str:
    """The fallback when html.parser gives up: drop skipped blocks and tags by pattern.

    Linear: a tag pattern needs a ">", so it is applied up to the last ">" only (from
    each "<" after it, it searched the rest of the text in vain: quadratic); after it,
    only an unfinished comment can match, and it runs to the end of the text.
    """
    text = _SKIPPED_BLOCK.sub("\n", text)
    last = text.rfind(">") + 1
    text = _BLOCK_TAG.sub("\n", text[:last]) + text[last:]
    last = text.rfind(">") + 1
    head, tail = _ANY_TAG.sub("", text[:last]), text[last:]
    k = tail.find("<!--")
    if k >= 0:  # "<!--.*?(?:-->|$)": "$" is the end, or before a newline that ends the text
        end = len(tail) - 1 if tail.endswith("\n") and len(tail) - 1 >= k + 4 else len(tail)
        tail = tail[:k] + tail[end:]
    return head + tail


def html_to_text(text: str) -> str:
    """Plain text of an HTML page (or of text with HTML leftovers).

    Character references are replaced once: "&amp;lt;" is the text "&lt;" (it was
    unescaped a second time, into "<").
    """
    parser = _TextExtractor(allowance=8 * len(text) + 1_000_000)
    try:
        parser.feed(text)
        parser.close()
        out = "".join(parser.parts)  # convert_charrefs: the parser has replaced them
    except _TooCostly:
        rest = "" if parser._skip else html.unescape(_strip_tags(parser.rawdata[parser.stuck_at :]))
        out = "".join(parser.parts) + rest
    except (AssertionError, ValueError):
        # html.parser raises on some malformed declarations ("<![0", "<!x"): one bad
        # page must not stop the build, so its markup is removed by pattern instead
        out = html.unescape(_strip_tags(text))
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in out.splitlines()]
    return "\n".join(line for line in lines if line)


def boilerplate_spans(
    text: str, language: str | kglang.Language | None = None
) -> tuple[tuple[int, int], ...]:
    """Spans of lines that are page furniture (the language's ``boilerplate``); the tail
    after a comment form is skipped whole."""
    boilerplate = kglang.get(language).boilerplate
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if boilerplate.match(line):
            spans.append((pos, pos + len(line)))
        pos += len(line)
    return tuple(spans)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe, not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    return "is not a regular file"


def read_bytes_limited(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; InputError naming it otherwise.

    Only regular files are opened (a named pipe would block the build, a device
    never ends), and at most ``limit + 1`` bytes are read, so a file that grows
    after its size was checked is still refused.
    """
    name = path.name
    limit = max_bytes() if limit is None else limit
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{name}: {_kind(st.st_mode)}")
        if st.st_size > limit:
            raise InputError(
                f"{name}: {_mb(st.st_size)}, over the {_mb(limit)} limit for one article "
                f"(set {MAX_BYTES_ENV} to change it)"
            )
        # O_NONBLOCK: if the file was replaced by a named pipe since it was looked at,
        # opening it does not block the build, and fstat tells what was opened
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            opened = os.fstat(fh.fileno()).st_mode
            if not stat.S_ISREG(opened):
                raise InputError(f"{name}: {_kind(opened)}")
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"{name}: grew past the {_mb(limit)} limit while it was read")
    except FileNotFoundError as exc:
        raise InputError(f"{name}: vanished before it could be read") from exc
    except PermissionError as exc:
        raise InputError(f"{name}: permission denied") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{name}: is a folder, not a file") from exc
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    return data


def read_article(
    path: Path, published: dt.date | None = None, language: str | kglang.Language | None = None
) -> Article:
    """Read one article file in a language (default: kg.lang's); raises InputError naming
    the file on any problem, a text with too few letters of the language among them."""
    name = path.name
    lang = kglang.get(language)
    data = read_bytes_limited(path)
    text, encoding = decode(data, name, lang)
    if path.suffix.lower() in (".html", ".htm") or HTML_HINT.search(text[:5000]):
        text = html_to_text(text)
        encoding += "+html"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{name}: no text after removing markup")
    letters = len(lang.letter.findall(text))
    if letters < lang.min_letters:
        raise InputError(
            f"{name}: no {lang.name} text ({letters} {lang.name} letters); "
            f"kg reads {lang.name} articles"
        )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Article(
        article_id=article_id_for(name),
        file_name=name,
        text=text,
        sha256=digest,
        published=published,
        encoding=encoding,
        skip_spans=boilerplate_spans(text, lang),
        language=lang.code,
    )


def list_articles(folder: Path) -> list[Path]:
    """Article files of a corpus folder, sorted by name (the manifest is not an article).

    Symbolic links that point outside the folder are not followed.
    """
    if not folder.exists():
        if folder.is_symlink():
            raise InputError(
                f"{display_name(folder.name)}: corpus folder is a symbolic link that leads "
                "nowhere (broken, or a loop)"
            )
        raise InputError(
            f"{display_name(folder.name or str(folder))}: corpus folder does not exist"
        )
    if not folder.is_dir():
        raise InputError(f"{display_name(folder.name)}: is not a folder")
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise InputError(
            f"{display_name(folder.name)}: cannot list the corpus folder ({exc.strerror})"
        ) from exc
    files = []
    for p in sorted(entries, key=lambda p: p.name):
        if p.name == MANIFEST or p.name.startswith("."):
            continue
        if p.suffix.lower() not in ARTICLE_SUFFIXES and p.suffix:
            continue
        files.append(p)
    return files


def _link_problem(path: Path, root: Path) -> str | None:
    """Why the symbolic link ``path`` is not read, or None if it leads to a file inside
    ``root``. Never raises: a loop (a → b → a, x → x) made ``resolve`` raise
    RuntimeError, a traceback that stopped the build."""
    try:
        target = path.resolve()
    except (RuntimeError, OSError) as exc:  # RuntimeError: a loop (Python < 3.13)
        if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
            return "symbolic link loop, not followed"
        return f"symbolic link cannot be followed ({getattr(exc, 'strerror', None) or exc})"
    try:
        target.relative_to(root)
    except ValueError:
        return "symbolic link out of the corpus folder, not followed"
    try:
        path.resolve(strict=True)
    except (RuntimeError, OSError) as exc:
        if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
            return "symbolic link loop, not followed"
        if isinstance(exc, FileNotFoundError):
            return "broken symbolic link (what it points to does not exist)"
        return f"symbolic link cannot be followed ({exc.strerror or exc})"
    return None


def _undecodable_name(name: str) -> bool:
    try:
        name.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def iter_corpus(
    folder: Path, language: str | kglang.Language | None = None
) -> Iterator[Article | Problem]:
    """Yield an Article or a Problem for every article file of the folder, in name order,
    read in ``language`` (a code for kg.lang.get; default: Arabic)."""
    lang = kglang.get(language)
    files = list_articles(folder)
    manifest = read_manifest(folder)
    max_bytes()  # a bad KG_MAX_BYTES stops the build before any file is read
    root = folder.resolve()
    ids: dict[str, str] = {}
    for path in files:
        problem = _link_problem(path, root) if path.is_symlink() else None
        if problem is not None:
            yield Problem(path.name, problem)
            continue
        if _undecodable_name(path.name):
            yield Problem(path.name, "file name is not valid UTF-8; rename the file")
            continue
        try:
            article = read_article(path, manifest.get(path.name), lang)
        except InputError as exc:
            yield Problem(path.name, str(exc).removeprefix(f"{path.name}: "))
            continue
        # a.txt and A.html (or "a b.txt" and "a-b.txt") would share one named graph and
        # one set of evidence IRIs: the first readable one in name order keeps the id
        if article.article_id in ids:
            yield Problem(
                path.name,
                f"same article id {article.article_id!r} as {display_name(ids[article.article_id])}; "
                "rename one of them",
            )
            continue
        ids[article.article_id] = path.name
        yield article
