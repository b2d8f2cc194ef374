"""Hostile corpora through `kg build`: bad encodings, HTML, huge files, pipes, links out,
vanishing files, read-only output, missing folders.

Every skipped file is named on stderr with its reason, the rest builds, and the
exit code says which case it was: 0 all built, 1 built but some files skipped,
2 nothing built / fatal (see docs/SAFETY.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import OUTPUTS

ROOT = Path(__file__).resolve().parents[1]
KGO = "https://w3id.org/kg-iraq/ontology#"
ARTICLE = (
    "سقوط صواريخ على قاعدة عين الأسد\n"
    "سقطت ثلاثة صواريخ كاتيوشا على قاعدة عين الأسد غرب العراق فجر الجمعة دون وقوع إصابات، "
    "بحسب ما قال مسؤول في التحالف الدولي.\n"
    "واتهمت واشنطن كتائب حزب الله بالوقوف وراء الهجوم.\n"
)


def kg(
    *args: str, env: dict[str, str] | None = None, timeout: float = 240
) -> subprocess.CompletedProcess:
    """`kg ARGS` in a fresh interpreter (the installed console script is `kg.cli:app`)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=timeout,
    )


class Ran:
    """The outcome of an in-process run, shaped like a CompletedProcess."""

    def __init__(self, result) -> None:
        self.returncode = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr
        exc = result.exception
        if exc is not None and not isinstance(exc, SystemExit):
            import traceback

            self.stderr += "".join(traceback.format_exception(exc))


def kg_here(*args: str, env: dict[str, str] | None = None) -> Ran:
    """`kg ARGS` in this process (typer's CliRunner): fast, for cases that stop early."""
    from typer.testing import CliRunner

    from kg.cli import app

    return Ran(CliRunner(env=env).invoke(app, list(args)))


def messages(stderr: str) -> str:
    """stderr with rich's soft line wrapping undone (see test_messages_are_one_line)."""
    return " ".join(stderr.split())


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def sentences_by_article(out: Path) -> dict[str, set[str]]:
    """kgo:sentence literals (stripped) of each article graph (graph IRI's last segment)."""
    found: dict[str, set[str]] = {}
    for q in ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS):
        if q.predicate.value == KGO + "sentence":
            found.setdefault(q.graph_name.value.rsplit("/", 1)[1], set()).add(
                q.object.value.strip()
            )
    return found


# --- one corpus with every kind of bad file ----------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    c = base / "corpus"
    c.mkdir()
    # readable, in every encoding kg accepts
    (c / "enc-utf8.txt").write_bytes(ARTICLE.encode("utf-8"))
    (c / "enc-utf8-bom.txt").write_bytes(b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"))
    (c / "enc-utf16-le.txt").write_bytes(b"\xff\xfe" + ARTICLE.encode("utf-16-le"))
    (c / "enc-utf16-be.txt").write_bytes(b"\xfe\xff" + ARTICLE.encode("utf-16-be"))
    (c / "enc-cp1256.txt").write_bytes(ARTICLE.encode("cp1256"))
    paragraphs = "".join(f"<p>{line}</p>\n" for line in ARTICLE.splitlines())
    page = (
        "<!doctype html><html><head><title>x</title><script>var tracker = 'SCRIPT-TEXT';</script>"
        "<style>.a{color:red}</style></head><body><nav>الرئيسية | أخبار</nav>"
        f"<article>{paragraphs}</article><footer>جميع الحقوق محفوظة</footer></body></html>"
    )
    (c / "page.html").write_text(page, encoding="utf-8")
    (c / "page-as-text.txt").write_text(page.replace("عين الأسد", "التاجي"), encoding="utf-8")
    # html.parser raises AssertionError on "<![0": it used to stop the whole build
    (c / "broken.html").write_text(
        page.replace("</article>", "</article><![0 x").replace("عين الأسد", "بلد"), encoding="utf-8"
    )
    # refused, each with its reason
    (c / "latin1.txt").write_bytes(("Le café était très bon, déjà vu. " * 5).encode("latin-1"))
    damaged = bytearray(ARTICLE.encode("utf-8"))
    damaged[60] = 0xFF
    (c / "damaged-utf8.txt").write_bytes(bytes(damaged))
    (c / "truncated-utf8.txt").write_bytes(ARTICLE.encode("utf-8")[:-3])  # cut mid-letter
    with open(c / "huge.txt", "wb") as fh:  # 100 MB, sparse: costs nothing on disk
        fh.truncate(100 * 1024 * 1024)
    outside = base / "outside.txt"
    outside.write_text(ARTICLE, encoding="utf-8")
    (c / "link-out.txt").symlink_to(outside)
    (c / "link-in.txt").symlink_to(c / "enc-utf8.txt")  # inside the folder: followed
    (c / "folder.txt").mkdir()
    os.mkfifo(c / "pipe.txt")
    (c / "empty.txt").write_bytes(b"")
    (c / "english.txt").write_text("Three rockets hit the base at dawn. " * 5, encoding="utf-8")
    (c / "binary.txt").write_bytes(b"\x00\x01\x02PNG" * 50)
    (c / "Dup.txt").write_text(ARTICLE, encoding="utf-8")
    (c / "dup.txt").write_text(ARTICLE, encoding="utf-8")
    (c / "bad\nname.txt").write_bytes(
        "déjà vu, café crème".encode("latin-1")
    )  # control char in a name
    (c / os.fsdecode(b"\xff\xfename.txt")).write_text(ARTICLE, encoding="utf-8")
    (c / "notes.docx").write_bytes(b"PK\x03\x04")  # not an article suffix: not listed
    out = base / "out"
    t0 = time.perf_counter()
    proc = kg("build", str(c), "--out", str(out), "-q")
    return {"proc": proc, "out": out, "corpus": c, "seconds": time.perf_counter() - t0}


EXPECTED_PROBLEMS = {
    "latin1.txt": "not UTF-8 (undecodable byte at offset",
    "damaged-utf8.txt": "UTF-8 with 2 undecodable byte sequence(s), the first at offset 60",
    "truncated-utf8.txt": "UTF-8 with 1 undecodable byte sequence(s)",
    "huge.txt": "100.0 MB, over the 50.0 MB limit for one article (set KG_MAX_BYTES to change it)",
    "link-out.txt": "symbolic link out of the corpus folder, not followed",
    "folder.txt": "is a folder, not a file",
    "pipe.txt": "is a named pipe, not a file",
    "empty.txt": "empty file",
    "english.txt": "no Arabic text",
    "binary.txt": "binary file (NUL bytes), not text",
    "dup.txt": "same article id 'dup' as Dup.txt; rename one of them",
    "bad\\nname.txt": "not UTF-8",
    "\\xff\\xfename.txt": "file name is not valid UTF-8; rename the file",
}
EXPECTED_ARTICLES = {
    "broken.html",
    "Dup.txt",
    "enc-cp1256.txt",
    "enc-utf16-be.txt",
    "enc-utf16-le.txt",
    "enc-utf8-bom.txt",
    "enc-utf8.txt",
    "link-in.txt",
    "page-as-text.txt",
    "page.html",
}


def test_hostile_corpus_builds_the_rest_and_exits_1(hostile):
    proc = hostile["proc"]
    no_traceback(proc)
    assert proc.returncode == 1, proc.stderr
    err = messages(proc.stderr)
    for name, reason in EXPECTED_PROBLEMS.items():
        assert f"kg: skipped {name}: {reason}" in err, (name, err)
    assert "notes.docx" not in err
    import json

    report = json.loads((hostile["out"] / "build-report.json").read_text(encoding="utf-8"))
    assert set(report["articles"]) == EXPECTED_ARTICLES
    assert len(report["problems"]) == len(EXPECTED_PROBLEMS)
    print(f"hostile corpus: {hostile['seconds']:.1f} s")


def test_every_encoding_reads_the_same_text(hostile):
    found = sentences_by_article(hostile["out"])
    reference = found["enc-utf8"]
    assert reference
    for aid in (
        "enc-utf8-bom",
        "enc-utf16-le",
        "enc-utf16-be",
        "enc-cp1256",
        "link-in",
        "page",
        "dup",
    ):
        assert found[aid] == reference, aid


def test_html_pages_are_read_as_text(hostile):
    nq = (hostile["out"] / "graph.nq").read_text(encoding="utf-8")
    assert "SCRIPT-TEXT" not in nq and "color:red" not in nq and "<p>" not in nq
    assert any("التاجي" in s for s in sentences_by_article(hostile["out"])["page-as-text"])


def test_messages_are_one_line_even_at_80_columns(hostile):
    """Each skipped file is one line on stderr (scripts grep it).

    rich wraps long lines at the terminal width (80 when stderr is a pipe).
    """
    lines = [ln for ln in hostile["proc"].stderr.splitlines() if ln.strip()]
    if not all(ln.startswith("kg: ") for ln in lines):
        pytest.xfail(
            "reported to the lead: kg/cli/common.py err_console wraps messages at 80 columns (use soft_wrap)"
        )
    assert len(lines) == len(EXPECTED_PROBLEMS)


# --- size limit ---------------------------------------------------------------------------


def test_size_limit_is_configurable(tmp_path):
    c = tmp_path / "c"
    c.mkdir()
    (c / "a.txt").write_text(ARTICLE, encoding="utf-8")
    size = len(ARTICLE.encode("utf-8"))
    proc = kg_here(
        "build", str(c), "--out", str(tmp_path / "o1"), "-q", env={"KG_MAX_BYTES": "100"}
    )
    no_traceback(proc)
    assert proc.returncode == 2
    assert f"kg: skipped a.txt: {size} bytes, over the 100 bytes limit" in messages(proc.stderr)
    proc = kg_here("build", str(c), "--out", str(tmp_path / "o2"), "-q", env={"KG_MAX_BYTES": "1K"})
    assert proc.returncode == 0, proc.stderr
    proc = kg_here(
        "build", str(c), "--out", str(tmp_path / "o3"), "-q", env={"KG_MAX_BYTES": "lots"}
    )
    no_traceback(proc)
    assert proc.returncode == 2
    assert "KG_MAX_BYTES='lots' is not a size" in messages(proc.stderr)


# --- many tiny files ----------------------------------------------------------------------


def test_two_thousand_tiny_articles(tmp_path):
    c = tmp_path / "tiny"
    c.mkdir()
    places = ["عين الأسد", "التاجي", "بلد", "القائم", "كركوك", "الحبانية", "فكتوريا", "بسماية"]
    weapons = ["صاروخ", "صاروخان", "ثلاثة صواريخ", "طائرة مسيرة", "عبوة ناسفة"]
    rows = ["file,published"]
    for i in range(2000):
        name = f"a{i:04d}.txt"
        text = f"سقط {weapons[i % 5]} على قاعدة {places[i % 8]} مساء الثلاثاء دون إصابات.\n"
        (c / name).write_text(text, encoding="utf-8")
        rows.append(f"{name},20{19 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d}")
    (c / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    proc = kg("build", str(c), "--out", str(tmp_path / "out"), "-q")
    seconds = time.perf_counter() - t0
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    import json

    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert len(report["articles"]) == 2000 and report["events"] > 0
    print(
        f"2000 tiny articles: {seconds:.1f} s, {report['events']} events, {report['quads']} quads"
    )


# --- a file that vanishes after the folder was listed -------------------------------------


def test_file_vanishing_mid_build(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import kg.pipeline.corpus
    from kg.cli import app

    c = tmp_path / "c"
    c.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (c / name).write_text(ARTICLE.replace("عين الأسد", name[0] + " الأسد"), encoding="utf-8")
    read = kg.pipeline.corpus.read_article

    def read_and_delete_the_next(path, published=None, language=None):
        # the folder was listed already; b.txt goes away while a.txt is being read
        if path.name == "a.txt":
            (path.parent / "b.txt").unlink()
        return read(path, published, language)

    monkeypatch.setattr(kg.pipeline.corpus, "read_article", read_and_delete_the_next)
    result = CliRunner().invoke(app, ["build", str(c), "--out", str(tmp_path / "out"), "-q"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert "kg: skipped b.txt: vanished before it could be read" in messages(result.stderr)
    report = (tmp_path / "out" / "build-report.json").read_text(encoding="utf-8")
    assert '"a.txt"' in report and '"c.txt"' in report


# --- output folder problems ---------------------------------------------------------------


def _make_read_only(folder: Path) -> str | None:
    """Make ``folder`` read-only for this process; returns how, or None if impossible."""
    folder.chmod(0o555)
    probe = folder / ".probe"
    try:
        probe.write_bytes(b"")
    except OSError:
        return "chmod"
    probe.unlink()
    # root ignores permission bits: use the immutable attribute where the system has it
    if (
        shutil.which("chattr")
        and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    ):
        return "chattr"
    return None


def _undo_read_only(folder: Path, how: str | None) -> None:
    if how == "chattr":
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


def test_read_only_output_folder(tmp_path):
    c = tmp_path / "c"
    c.mkdir()
    (c / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    assert kg_here("build", str(c), "--out", str(out), "-q").returncode == 0
    before = snapshot(out)
    (c / "b.txt").write_text(ARTICLE.replace("عين الأسد", "التاجي"), encoding="utf-8")
    # the folder and every folder kg keeps inside it (its generations, cache, spill files)
    folders = [
        out,
        *sorted((p for p in out.rglob("*") if p.is_dir() and not p.is_symlink()), reverse=True),
    ]
    hows = [(f, _make_read_only(f)) for f in folders]
    if any(how is None for _, how in hows):
        for f, how in hows:
            _undo_read_only(f, how)
        pytest.skip("cannot make a folder read-only here (root without chattr)")
    try:
        proc = kg_here("build", str(c), "--out", str(out), "-q")
        listing = sorted(p.name for p in out.iterdir())
    finally:
        for f, how in hows:
            _undo_read_only(f, how)
    no_traceback(proc)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), proc.stderr
    assert "cannot write to the output folder" in lines[0]
    assert snapshot(out) == before
    assert not [n for n in listing if n.endswith(".tmp") or n.startswith(".kg-dump-")]


def test_read_only_empty_output_folder(tmp_path):
    """The first build into a folder that cannot be written: exit 2, one line, no traceback."""
    c = tmp_path / "c"
    c.mkdir()
    (c / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    how = _make_read_only(out)
    if how is None:
        _undo_read_only(out, how)
        pytest.skip("cannot make a folder read-only here (root without chattr)")
    try:
        proc = kg_here("build", str(c), "--out", str(out), "-q")
    finally:
        _undo_read_only(out, how)
    no_traceback(proc)
    assert proc.returncode == 2
    assert messages(proc.stderr).startswith("kg: error: ")


def test_output_path_is_a_file(tmp_path):
    c = tmp_path / "c"
    c.mkdir()
    (c / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "out").write_text("not a folder")
    proc = kg_here("build", str(c), "--out", str(tmp_path / "out"), "-q")
    no_traceback(proc)
    assert proc.returncode == 2
    assert proc.stderr.startswith("kg: error: ")
    assert (tmp_path / "out").read_text() == "not a folder"


# --- corpus folder problems ---------------------------------------------------------------


def test_missing_corpus_folder(tmp_path):
    proc = kg_here("build", str(tmp_path / "nope"), "--out", str(tmp_path / "out"), "-q")
    no_traceback(proc)
    assert proc.returncode == 2
    assert messages(proc.stderr) == "kg: error: nope: corpus folder does not exist"
    assert not (tmp_path / "out").exists()


def test_corpus_is_a_file(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    proc = kg_here("build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), "-q")
    no_traceback(proc)
    assert proc.returncode == 2
    assert messages(proc.stderr) == "kg: error: a.txt: is not a folder"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.mkdir(), "manifest.csv: is not a file"),
        (
            lambda p: p.write_bytes(b'file,published\n"' + b"a" * 200_000 + b'",2020-01-01\n'),
            "manifest.csv: not a CSV file (field larger than field limit",
        ),
        (lambda p: p.write_bytes(b"file,published\na.txt,17/03/2020\n"), "is not YYYY-MM-DD"),
        (lambda p: p.write_bytes(b"name,date\na.txt,2020-03-17\n"), "needs a 'file' column"),
        (
            lambda p: p.write_bytes(b"file,published\n\xff\xfe,2020-03-17\n"),
            "manifest.csv: not UTF-8",
        ),
        (
            lambda p: p.write_bytes(b"file,published\na.txt,2020-03-17junk\n"),
            "line 2: published date '2020-03-17junk' is not YYYY-MM-DD",
        ),
        (
            lambda p: p.write_text(
                "file,published\na.txt,2020-03-17\nb.txt,\na.txt,2021-08-08\n", encoding="utf-8"
            ),
            "manifest.csv, line 4: a.txt is listed twice with different dates: 2020-03-17 "
            "(line 2) and 2021-08-08",
        ),
        (
            lambda p: p.write_text("File,file\na.txt,a.txt\n", encoding="utf-8"),
            "manifest.csv: 2 columns named 'file'",
        ),
    ],
)
def test_bad_manifest_is_one_fatal_line(tmp_path, make, reason):
    c = tmp_path / "c"
    c.mkdir()
    (c / "a.txt").write_text(ARTICLE, encoding="utf-8")
    make(c / "manifest.csv")
    proc = kg_here("build", str(c), "--out", str(tmp_path / "out"), "-q")
    no_traceback(proc)
    assert proc.returncode == 2
    assert messages(proc.stderr).startswith("kg: error: ") and reason in messages(proc.stderr)


def test_publication_dates_at_the_edges_of_the_calendar(tmp_path):
    """A manifest may say 0001-01-01 or 9999-12-31: relative dates then cannot be resolved,
    which must not crash the build (found by scripts/fuzz.py, fixed in kg/lang/ar/dates.py)."""
    c = tmp_path / "c"
    c.mkdir()
    text = (
        ARTICLE
        + "وقال مسؤول أمس إن الهجوم وقع الأسبوع الماضي، في السابع من الشهر الماضي، وسيتكرر العام المقبل.\n"
    )
    (c / "a.txt").write_text(text, encoding="utf-8")
    (c / "b.txt").write_text(text.replace("عين الأسد", "التاجي"), encoding="utf-8")
    (c / "manifest.csv").write_text(
        "file,published\na.txt,0001-01-01\nb.txt,9999-12-31\n", encoding="utf-8"
    )
    proc = kg_here("build", str(c), "--out", str(tmp_path / "out"), "-q")
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr


def test_nothing_readable_exits_2(tmp_path):
    c = tmp_path / "c"
    c.mkdir()
    (c / "a.txt").write_text("hello world", encoding="utf-8")
    proc = kg_here("build", str(c), "--out", str(tmp_path / "out"), "-q")
    no_traceback(proc)
    assert proc.returncode == 2
    err = messages(proc.stderr)
    assert (
        "kg: skipped a.txt: no Arabic text" in err and "kg: error: no article could be read" in err
    )


def test_nothing_readable_leaves_previous_outputs(tmp_path):
    """Exit 2 means nothing was built: the previous graph should still be there."""
    good, bad, out = tmp_path / "good", tmp_path / "bad", tmp_path / "out"
    good.mkdir()
    bad.mkdir()
    (good / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (bad / "a.txt").write_text("hello world", encoding="utf-8")
    assert kg_here("build", str(good), "--out", str(out), "-q").returncode == 0
    before = snapshot(out)
    proc = kg_here("build", str(bad), "--out", str(out), "-q")
    assert proc.returncode == 2
    if snapshot(out) != before:
        pytest.xfail(
            "reported to the lead: kg/pipeline/build.py writes an empty graph over the previous "
            "outputs before the CLI decides that nothing was built (exit 2)"
        )


# --- symbolic link loops and broken links -------------------------------------------------


def test_link_loops_are_skipped_and_the_rest_builds(tmp_path):
    """a → b → a and x → x made Path.resolve raise RuntimeError: a traceback, exit 1, and
    nothing built."""
    c = tmp_path / "c"
    c.mkdir()
    (c / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (c / "a.txt").symlink_to("b.txt")
    (c / "b.txt").symlink_to("a.txt")
    (c / "x.txt").symlink_to("x.txt")
    (c / "m.html").symlink_to("n.html")  # a cycle of three, another suffix
    (c / "n.html").symlink_to("o.html")
    (c / "o.html").symlink_to("m.html")
    (c / "gone.md").symlink_to("deleted.md")
    (c / "zz.txt").write_text(ARTICLE.replace("عين الأسد", "التاجي"), encoding="utf-8")
    proc = kg_here("build", str(c), "--out", str(tmp_path / "out"), "-q")
    no_traceback(proc)
    assert proc.returncode == 1, proc.stderr
    err = messages(proc.stderr)
    for name in ("a.txt", "b.txt", "x.txt", "m.html", "n.html", "o.html"):
        assert f"kg: skipped {name}: symbolic link loop, not followed" in err, err
    assert "kg: skipped gone.md: broken symbolic link" in err
    import json

    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert report["articles"] == ["good.txt", "zz.txt"]


# --- mixed encodings and manifest headers ----------------------------------------------------


def test_mixed_encodings_are_skipped_and_the_rest_builds(tmp_path):
    """Half UTF-8, half Windows-1256 was built as Windows-1256 mojibake without a word."""
    c = tmp_path / "c"
    c.mkdir()
    (c / "good.txt").write_text(ARTICLE, encoding="utf-8")
    lines = ARTICLE.splitlines(keepends=True)
    (c / "mixed.txt").write_bytes(lines[0].encode("utf-8") + "".join(lines[1:]).encode("cp1256"))
    (c / "mixed2.txt").write_bytes(lines[1].encode("cp1256") * 3 + ARTICLE.encode("utf-8"))
    (c / "manifest.csv").write_text(
        "File, Published\ngood.txt,2020-03-17\ngood.txt,2020-03-17\n", encoding="utf-8"
    )
    proc = kg_here("build", str(c), "--out", str(tmp_path / "out"), "-q")
    no_traceback(proc)
    assert proc.returncode == 1, proc.stderr
    err = messages(proc.stderr)
    for name in ("mixed.txt", "mixed2.txt"):
        assert f"kg: skipped {name}: mixed encodings: Arabic in UTF-8" in err, err
    import json

    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert report["articles"] == ["good.txt"]
    nq = (tmp_path / "out" / "graph.nq").read_text(encoding="utf-8")
    assert '"2020-03-17"' in nq  # the manifest's date, read through "File, Published"
