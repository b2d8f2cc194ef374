"""Reading a corpus folder into Article records.

Reading is the only step that touches the article files. It decodes bytes with
an explicit, reported choice of encoding, turns HTML pages into text, and
marks web boilerplate (comment forms, "back to top" buttons) so the extractor
skips it. The text it returns is the text every character offset in the graph
refers to; it is never modified afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from kg.errors import InputError

ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm")
MANIFEST = "manifest.csv"
ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
# Lines that are page furniture, not reporting (comment forms, navigation).
BOILERPLATE = re.compile(
    r"^\s*(اترك تعليق|لن يتم نشر عنوان بريدك|الحقول الإلزامية|زر الذهاب إلى الأعلى|إغلاق\s*$"
    r"|شارك(?:ها)? على|اقرأ أيضا|اقرأ أيضاً|تابعونا|جميع الحقوق محفوظة|مواضيع ذات صلة"
    r"|Share|Comments?|Leave a (?:comment|reply))",
)
MAX_BYTES = 50 * 1024 * 1024


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

    def in_boilerplate(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.skip_spans)


@dataclass(frozen=True)
class Problem:
    """An article that could not be read, with a one-line reason."""

    file_name: str
    message: str

    def __str__(self) -> str:
        return f"{self.file_name}: {self.message}"


def article_id_for(file_name: str) -> str:
    """The ASCII id of an article: its file stem, lower-cased, other characters as '-'."""
    stem = Path(file_name).stem.lower()
    slug = re.sub(r"[^a-z0-9_-]+", "-", stem).strip("-")
    if not slug:
        slug = "article-" + hashlib.sha1(file_name.encode("utf-8")).hexdigest()[:10]
    return slug


def read_manifest(folder: Path) -> dict[str, dt.date | None]:
    """Publication dates from ``manifest.csv`` (columns file, published; more allowed)."""
    path = folder / MANIFEST
    if not path.exists():
        return {}
    dates: dict[str, dt.date | None] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "file" not in reader.fieldnames:
                raise InputError(f"{MANIFEST}: needs a 'file' column")
            for line_no, row in enumerate(reader, start=2):
                name = (row.get("file") or "").strip()
                value = (row.get("published") or "").strip()
                if not name:
                    continue
                if not value:
                    dates[name] = None
                    continue
                try:
                    dates[name] = dt.date.fromisoformat(value[:10])
                except ValueError as exc:
                    raise InputError(
                        f"{MANIFEST}, line {line_no}: published date {value!r} is not YYYY-MM-DD"
                    ) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{MANIFEST}: not UTF-8 ({exc.reason})") from exc
    return dates


def decode(data: bytes, file_name: str) -> tuple[str, str]:
    """Decode article bytes; returns (text, encoding). Never guesses silently.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are taken as they are.
    Windows-1256 is accepted only when UTF-8 fails and the result is mostly
    Arabic letters; the encoding is recorded on the article and in the graph.
    """
    if not data.strip():
        raise InputError(f"{file_name}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"{file_name}: UTF-16 BOM but undecodable bytes at {exc.start}") from exc
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
        try:
            text = data.decode("cp1256")
        except UnicodeDecodeError:
            text = ""
        letters = [c for c in text if c.isalpha()]
        arabic = sum(1 for c in letters if ARABIC_LETTER.match(c))
        if letters and arabic / len(letters) > 0.6:
            return text, "windows-1256"
        raise InputError(
            f"{file_name}: not UTF-8 (undecodable byte at offset {utf8_error.start}) "
            "and not Windows-1256 Arabic"
        ) from utf8_error


class _TextExtractor(HTMLParser):
    """HTML to text: keeps paragraph breaks, drops scripts, styles and navigation."""

    SKIP = {"script", "style", "noscript", "nav", "footer", "header", "form", "aside", "template"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

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


def html_to_text(text: str) -> str:
    """Plain text of an HTML page (or of text with HTML leftovers)."""
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    out = html.unescape("".join(parser.parts))
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in out.splitlines()]
    return "\n".join(line for line in lines if line)


def boilerplate_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of lines that are page furniture; the tail after a comment form is skipped whole."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if BOILERPLATE.match(line):
            spans.append((pos, pos + len(line)))
        pos += len(line)
    return tuple(spans)


def read_article(path: Path, published: dt.date | None = None) -> Article:
    """Read one article file; raises InputError naming the file on any problem."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{name}: {size} bytes, larger than the {MAX_BYTES} byte limit")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{name}: vanished before it could be read") from exc
    except PermissionError as exc:
        raise InputError(f"{name}: permission denied") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{name}: is a folder, not a file") from exc
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror})") from exc
    text, encoding = decode(data, name)
    if path.suffix.lower() in (".html", ".htm") or HTML_HINT.search(text[:5000]):
        text = html_to_text(text)
        encoding += "+html"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{name}: no text after removing markup")
    arabic = len(ARABIC_LETTER.findall(text))
    if arabic < 20:
        raise InputError(f"{name}: no Arabic text ({arabic} Arabic letters); kg reads Arabic articles")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Article(
        article_id=article_id_for(name),
        file_name=name,
        text=text,
        sha256=digest,
        published=published,
        encoding=encoding,
        skip_spans=boilerplate_spans(text),
    )


def list_articles(folder: Path) -> list[Path]:
    """Article files of a corpus folder, sorted by name (the manifest is not an article).

    Symbolic links that point outside the folder are not followed.
    """
    if not folder.exists():
        raise InputError(f"{folder.name or folder}: corpus folder does not exist")
    if not folder.is_dir():
        raise InputError(f"{folder.name}: is not a folder")
    files = []
    for p in sorted(folder.iterdir(), key=lambda p: p.name):
        if p.name == MANIFEST or p.name.startswith("."):
            continue
        if p.suffix.lower() not in ARTICLE_SUFFIXES and p.suffix:
            continue
        files.append(p)
    return files


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError):
        return False


def iter_corpus(folder: Path) -> Iterator[Article | Problem]:
    """Yield an Article or a Problem for every article file of the folder, in name order."""
    manifest = read_manifest(folder)
    root = folder.resolve()
    for path in list_articles(folder):
        if path.is_symlink() and not _inside(path, root):
            yield Problem(path.name, "symbolic link out of the corpus folder, not followed")
            continue
        try:
            yield read_article(path, manifest.get(path.name))
        except InputError as exc:
            yield Problem(path.name, str(exc).removeprefix(f"{path.name}: "))
