"""Reading articles: encodings, HTML, boilerplate, bad files, the manifest."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.pipeline.corpus import (
    Article,
    Problem,
    article_id_for,
    iter_corpus,
    list_articles,
    read_article,
    read_manifest,
)

ARABIC = "سقطت ثلاثة صواريخ كاتيوشا على قاعدة بلد الجوية شمال بغداد فجر الجمعة دون وقوع إصابات."


def test_seed_manifest_dates(seeds_dir):
    dates = read_manifest(seeds_dir)
    assert dates["000_eb657ab30861df45.txt"] == dt.date(2020, 3, 17)
    assert dates["003_7c3ce2b50505d2e6.txt"] is None
    assert len(dates) == 5


def test_seed_002_comment_form_is_boilerplate(seeds_dir):
    a = read_article(seeds_dir / "002_943095af3632c038.txt")
    tail = a.text.index("اترك تعليقاً")
    assert a.in_boilerplate(tail, tail + 5)
    body = a.text.index("سلّم التحالف الدولي")
    assert not a.in_boilerplate(body, body + 5)


def test_offsets_refer_to_text_as_read(seeds_dir):
    raw = (seeds_dir / "004_774cba9940d3942d.txt").read_text(encoding="utf-8")
    a = read_article(seeds_dir / "004_774cba9940d3942d.txt")
    assert a.text == raw
    assert len(a.sha256) == 64


@pytest.mark.parametrize(
    ("payload", "encoding"),
    [
        (ARABIC.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + ARABIC.encode("utf-8"), "utf-8-sig"),
        (ARABIC.encode("utf-16"), "utf-16"),
        (ARABIC.encode("cp1256"), "windows-1256"),
    ],
)
def test_encodings_decode_to_the_same_text(tmp_path, payload, encoding):
    p = tmp_path / "a.txt"
    p.write_bytes(payload)
    a = read_article(p)
    assert a.text == ARABIC
    assert a.encoding == encoding


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "empty file"),
        (b"   \n\n", "empty file"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"Rockets hit a base near Baghdad on Tuesday, officials said.", "no Arabic text"),
        (b"caf\xe9 cr\xe8me br\xfbl\xe9e, d\xe9j\xe0 vu " * 5, "not UTF-8"),
    ],
    ids=["empty", "blank", "binary", "english", "latin1"],
)
def test_bad_files_are_named_errors(tmp_path, payload, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(payload)
    with pytest.raises(InputError) as err:
        read_article(p)
    assert str(err.value).startswith("bad.txt: ")
    assert message in str(err.value)


def test_html_page_becomes_text(tmp_path):
    page = (
        "<html><head><script>var x = 1;</script><style>p{}</style></head><body>"
        f"<nav>الرئيسية</nav><p>{ARABIC}</p><p>وأضاف المصدر &amp; المسؤول</p></body></html>"
    )
    p = tmp_path / "page.html"
    p.write_text(page, encoding="utf-8")
    a = read_article(p)
    assert ARABIC in a.text
    assert "var x" not in a.text and "<p>" not in a.text and "الرئيسية" not in a.text
    assert "&amp;" not in a.text and "& المسؤول" in a.text
    assert a.encoding.endswith("+html")


def test_corpus_reports_bad_files_and_reads_the_rest(tmp_path):
    (tmp_path / "a.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_bytes(b"\x00\x00\x00")
    (tmp_path / "manifest.csv").write_text("file,published\na.txt,2021-02-05\n", encoding="utf-8")
    items = list(iter_corpus(tmp_path))
    assert [type(i) for i in items] == [Article, Problem, Problem]
    assert items[0].published == dt.date(2021, 2, 5)
    assert "b.txt" in str(items[1]) and "empty" in str(items[1])


def test_symlink_out_of_corpus_is_refused(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text(ARABIC, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ok.txt").write_text(ARABIC, encoding="utf-8")
    (corpus / "link.txt").symlink_to(outside)
    items = list(iter_corpus(corpus))
    problems = [i for i in items if isinstance(i, Problem)]
    assert len(problems) == 1 and problems[0].file_name == "link.txt"
    assert "outside" not in problems[0].message and "symbolic link" in problems[0].message


def test_missing_folder_and_bad_manifest(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        list_articles(tmp_path / "nope")
    (tmp_path / "manifest.csv").write_text("file,published\na.txt,17/03/2020\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        read_manifest(tmp_path)


def test_article_ids_are_ascii_and_stable():
    assert article_id_for("000_eb657ab30861df45.txt") == "000_eb657ab30861df45"
    assert article_id_for("مقال عربي.txt").startswith("article-")
    assert article_id_for("Report 2020 (final).txt") == "report-2020-final"


# --- odd directory entries: link loops, broken links, a file swapped for a pipe ---------


def _odd_links(c):
    """Links that lead nowhere, each next to a good article."""
    (c / "ok.txt").write_text(ARABIC, encoding="utf-8")
    (c / "a.txt").symlink_to("b.txt")  # a → b → a
    (c / "b.txt").symlink_to("a.txt")
    (c / "x.txt").symlink_to("x.txt")  # x → x
    (c / "p.md").symlink_to("q.md")  # a cycle of three
    (c / "q.md").symlink_to("r.md")
    (c / "r.md").symlink_to("p.md")
    (c / "dangling.txt").symlink_to("nowhere.txt")
    (c / "to-dangling.htm").symlink_to("dangling.txt")
    (c / "dir-loop").symlink_to("dir-loop/inner")  # no suffix: an article name
    return {
        "a.txt": "symbolic link loop, not followed",
        "b.txt": "symbolic link loop, not followed",
        "x.txt": "symbolic link loop, not followed",
        "p.md": "symbolic link loop, not followed",
        "q.md": "symbolic link loop, not followed",
        "r.md": "symbolic link loop, not followed",
        "dangling.txt": "broken symbolic link (what it points to does not exist)",
        "to-dangling.htm": "broken symbolic link (what it points to does not exist)",
        "dir-loop": "symbolic link loop, not followed",
    }


def test_symlink_loops_and_broken_links_are_problems(tmp_path):
    """A link loop made Path.resolve raise RuntimeError: a traceback that stopped the build."""
    expected = _odd_links(tmp_path)
    items = list(iter_corpus(tmp_path))
    problems = {p.file_name: p.message for p in items if isinstance(p, Problem)}
    assert problems == expected
    assert [a.file_name for a in items if isinstance(a, Article)] == ["ok.txt"]


def test_a_long_chain_of_links_inside_the_folder(tmp_path):
    """45 links to one file: more than the kernel follows (ELOOP), no loop."""
    (tmp_path / "real.txt").write_text(ARABIC, encoding="utf-8")
    prev = "real.txt"
    for i in range(45):
        (tmp_path / f"l{i:02d}.txt").symlink_to(prev)
        prev = f"l{i:02d}.txt"
    items = {i.file_name: i for i in iter_corpus(tmp_path)}
    assert isinstance(items["real.txt"], Article) and isinstance(items["l00.txt"], Article)
    last = items["l44.txt"]
    assert isinstance(last, Problem) and "symbolic link" in last.message.lower()


def test_manifest_and_corpus_that_are_link_loops(tmp_path):
    c = tmp_path / "c"
    c.mkdir()
    (c / "a.txt").write_text(ARABIC, encoding="utf-8")
    (c / "manifest.csv").symlink_to("manifest.csv")
    with pytest.raises(InputError, match="manifest.csv: a symbolic link that leads nowhere"):
        list(iter_corpus(c))
    (tmp_path / "loop").symlink_to("loop")
    with pytest.raises(InputError, match="loop: corpus folder is a symbolic link that leads"):
        list(iter_corpus(tmp_path / "loop"))


def test_a_file_swapped_for_a_pipe_is_not_opened_blocking(tmp_path, monkeypatch):
    """Between the check and the read, the file became a named pipe: opening it blocked."""
    import os
    import stat as stat_module
    import threading

    import kg.pipeline.corpus as corpus

    pipe = tmp_path / "swapped.txt"
    os.mkfifo(pipe)
    real_stat = corpus.Path.stat

    def looks_regular(self, *args, **kwargs):
        st = real_stat(self, *args, **kwargs)
        if self.name == "swapped.txt":  # what stat said before the swap
            return os.stat_result((stat_module.S_IFREG | 0o644, *st[1:6], 100, *st[7:]))
        return st

    monkeypatch.setattr(corpus.Path, "stat", looks_regular)
    outcome = {}
    reader = threading.Thread(target=lambda: outcome.update(p=list(iter_corpus(tmp_path))))
    reader.daemon = True
    reader.start()
    reader.join(5)
    assert not reader.is_alive(), "reading blocked on a named pipe"
    [problem] = outcome["p"]
    assert problem == Problem("swapped.txt", "is a named pipe, not a file")


# --- mixed encodings, HTML entities, manifest rows -----------------------------------------

OTHER = "واتهمت واشنطن كتائب حزب الله بالوقوف وراء الهجوم الذي استهدف القاعدة."
PERSIAN = "نیروهای آمریکایی پایگاه را ترک کردند و گزارش‌ها از چند انفجار خبر دادند."


@pytest.mark.parametrize(
    "payload",
    [
        ARABIC.encode("utf-8") + b"\n" + OTHER.encode("cp1256"),  # UTF-8, then Windows-1256
        (OTHER.encode("cp1256") + b"\n") * 4 + ARABIC.encode("utf-8"),  # mostly Windows-1256
        b"\xef\xbb\xbf" + (ARABIC + "\n").encode("utf-8") * 3 + OTHER.encode("cp1256"),
        ARABIC.encode("utf-8") + OTHER.encode("cp1256")[:40] + ARABIC.encode("utf-8"),
        PERSIAN.encode("utf-8") + b"\n" + PERSIAN.encode("cp1256", errors="ignore"),
    ],
    ids=["utf8-then-1256", "1256-then-utf8", "bom", "a-snippet", "persian"],
)
def test_mixed_encodings_are_refused(tmp_path, payload):
    """Half UTF-8, half Windows-1256 was read whole as Windows-1256: silent mojibake."""
    p = tmp_path / "mixed.txt"
    p.write_bytes(payload)
    with pytest.raises(InputError, match="mixed.txt: mixed encodings: Arabic in UTF-8"):
        read_article(p)


@pytest.mark.parametrize(
    "payload",
    [(ARABIC + "\n" + OTHER).encode("cp1256"), PERSIAN.encode("cp1256", errors="ignore")],
)
def test_one_encoding_is_still_read(tmp_path, payload):
    p = tmp_path / "one.txt"
    p.write_bytes(payload)
    assert read_article(p).encoding == "windows-1256"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("&amp;lt;", "&lt;"),
        ("&amp;amp;", "&amp;"),
        ("&amp;#1576;", "&#1576;"),
        ("&amp;copy", "&copy"),
        ("&lt;b&gt;", "<b>"),
        ("&#1576;&#x62A;", "بت"),
        ("AT&amp;T", "AT&T"),
    ],
)
@pytest.mark.parametrize("broken", [False, True], ids=["parsed", "fallback"])
def test_html_entities_are_replaced_once(markup, text, broken):
    """ "&amp;lt;" became "<" (unescaped twice); it is the text "&lt;"."""
    from kg.pipeline.corpus import html_to_text

    page = f"<html><body><p>{ARABIC} {markup} نهاية</p>" + ("<![0" if broken else "") + "</body>"
    assert f"{ARABIC} {text} نهاية" in html_to_text(page)


def _manifest(tmp_path, body: str):
    (tmp_path / "manifest.csv").write_text(body, encoding="utf-8")
    return read_manifest(tmp_path)


@pytest.mark.parametrize(
    "body",
    [
        "file,published\na.txt,2020-03-17\nb.txt,2021-01-01\na.txt,2020-03-18\n",
        "file,published\na.txt,\na.txt,2020-03-17\n",
        "published,file\n2020-03-17,a.txt\n2019-12-31, a.txt \n",
    ],
)
def test_conflicting_rows_are_refused(tmp_path, body):
    with pytest.raises(InputError, match=r"a\.txt is listed twice with different dates") as err:
        _manifest(tmp_path, body)
    dates = re.findall(r"\d{4}-\d{2}-\d{2}|no date", str(err.value))
    assert len(dates) == 2 and dates[0] != dates[1]


def test_identical_rows_are_fine(tmp_path):
    assert _manifest(tmp_path, "file,published\na.txt,2020-03-17\na.txt,2020-03-17\n") == {
        "a.txt": dt.date(2020, 3, 17)
    }


@pytest.mark.parametrize(
    "header", ["File,Published", "FILE,PUBLISHED", " file , published ", "Published,File"]
)
def test_column_names_ignore_case_and_spaces(tmp_path, header):
    cols = [h.strip().lower() for h in header.split(",")]
    row = ",".join({"file": "a.txt", "published": "2020-03-17"}[c] for c in cols)
    assert _manifest(tmp_path, f"{header}\n{row}\n") == {"a.txt": dt.date(2020, 3, 17)}


def test_two_columns_with_one_name_are_refused(tmp_path):
    with pytest.raises(InputError, match="2 columns named 'published'"):
        _manifest(tmp_path, "file,published,Published\na.txt,2020-03-17,2020-03-18\n")


@pytest.mark.parametrize(
    "value",
    ["2020-03-17junk", "2020-03-17T10:00", "20200317", "2020-W12-2", "２０２０-03-17", "2020-3-17"],
)
def test_only_a_whole_iso_day_is_a_date(tmp_path, value):
    with pytest.raises(InputError, match=f"line 2: published date '{value}' is not YYYY-MM-DD"):
        _manifest(tmp_path, f"file,published\na.txt,{value}\n")


# --- HTML in linear time -------------------------------------------------------------------

_OLD_SKIPPED = re.compile(
    r"<\s*(aside|footer|form|header|nav|noscript|script|style|template)\b.*?(?:<\s*/\s*\1\s*>|$)",
    re.I | re.S,
)
_OLD_BLOCK = re.compile(r"</?\s*(?:article|br|div|h1|h2|h3|h4|h5|h6|li|p|section|tr)\b[^>]*>", re.I)
_OLD_ANY = re.compile(r"<[^>]*>|<!--.*?(?:-->|$)", re.S)


def _old_strip_tags(text: str) -> str:
    return _OLD_ANY.sub("", _OLD_BLOCK.sub("\n", _OLD_SKIPPED.sub("\n", text)))


_HTML_BITS = ["<", ">", "<!--", "-->", "</", "<p", "<script>", "</script>", "<br/>", "!", "-"]
_HTML_BITS += ["a", " ", "\n", "ب", "&amp;", "<div class='x'>", "<x", "<![0"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_HTML_BITS), max_size=40).map("".join))
def test_tag_patterns_strip_as_before(text):
    from kg.pipeline.corpus import _strip_tags

    assert _strip_tags(text) == _old_strip_tags(text)


@pytest.mark.parametrize(
    "tail",
    [
        "<a" * 80_000,  # 6 s for 160 KB before
        "<a b" * 40_000,  # 186 s
        "</" * 80_000,
        "<?" * 80_000,
        "<!--" + "<p" * 80_000,
        "<![CDATA[" * 18_000,
        "<ب" * 80_000,
        "<![0 " + "<" * 160_000,  # the pattern fallback
        "<![0 " + "<p" * 80_000,
    ],
    ids=["<a", "<a b", "</", "<?", "comment", "cdata", "arabic", "fallback <", "fallback <p"],
)
def test_unfinished_markup_reads_in_linear_time(tail):
    import time

    from kg.pipeline.corpus import html_to_text
    from kg.pipeline.extract.budget import ArticleTimeout, time_limit

    page = f"<html><body><p>{ARABIC}</p>{tail}"
    t0 = time.perf_counter()
    try:
        with time_limit(3):
            text = html_to_text(page)
    except ArticleTimeout:
        pytest.fail(f"html_to_text took over 3 s ({time.perf_counter() - t0:.1f} s)")
    assert text.startswith(ARABIC)


def test_a_truncated_page_reads_as_before():
    """An unfinished comment or tag near the end costs a search or two: no fallback."""
    from kg.pipeline.corpus import _TextExtractor, html_to_text

    page = f"<html><body><!-- menu <p>{ARABIC}</p>" * 3 + "<p>وأضاف <a href='x"
    parser = _TextExtractor()  # no allowance: html.parser exactly
    parser.feed(page)
    parser.close()
    expected = [ln.strip() for ln in "".join(parser.parts).splitlines() if ln.strip()]
    assert html_to_text(page).splitlines() == expected
