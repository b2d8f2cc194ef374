"""The time budget of one article, and extraction workers that end with their build.

An article that takes longer than the budget (KG_ARTICLE_SECONDS, default 60 s; the
``article_seconds`` argument of extract_chunk) is a Problem "took longer than N s;
skipped", and the build goes on. ``kg build --jobs N`` workers die with the build,
even when it is killed with SIGKILL.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.pipeline.corpus import Article, Problem, boilerplate_spans
from kg.pipeline.extract.budget import ArticleTimeout, article_seconds, time_limit

ROOT = Path(__file__).resolve().parents[1]
SHORT = "سقطت ثلاثة صواريخ على قاعدة عين الأسد فجر الجمعة دون وقوع إصابات.\n" * 3


@pytest.fixture(scope="module")
def long_text(seeds_dir) -> str:
    """About 600,000 characters of news: several seconds of extraction."""
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt")))
    return (seeds * (600_000 // len(seeds) + 1))[:600_000]


def art(name: str, text: str) -> Article:
    return Article(
        Path(name).stem,
        name,
        text,
        "0" * 64,
        dt.date(2020, 3, 17),
        "utf-8",
        boilerplate_spans(text),
    )


# --- the budget --------------------------------------------------------------------------


def test_time_limit_interrupts_python_code():
    t0 = time.perf_counter()
    with pytest.raises(ArticleTimeout), time_limit(0.3):
        while True:
            pass
    assert time.perf_counter() - t0 < 2


def test_time_limit_interrupts_spacys_tokenizer(nlp):
    """SIGALRM reaches into spaCy's Cython tokenizer: it calls back into Python (and into
    the re engine, which checks for signals) at every affix. Shown on the quadratic
    tokenizer kg had before: 40,000 "&" took 79 s."""
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_suffix_regex

    from kg.pipeline.nlp import pipeline as P

    t = nlp.tokenizer
    suffixes = [r"[.,،؛:!؟?]+", P._QUOTES, r"[)\]]"] + list(nlp.Defaults.suffixes)
    slow = Tokenizer(
        nlp.vocab,
        rules=t.rules,
        prefix_search=t.prefix_search,
        suffix_search=compile_suffix_regex(suffixes).search,
        infix_finditer=t.infix_finditer,
    )
    t0 = time.perf_counter()
    with pytest.raises(ArticleTimeout), time_limit(1):
        slow("&*%«" * 10_000)
    assert time.perf_counter() - t0 < 3
    assert [x.text for x in slow("قاعدة عين الأسد.")] == ["قاعدة", "عين", "الأسد", "."]


def test_time_limit_gives_back_a_timer_set_before():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.6)
        with time_limit(5):
            pass
        assert signal.getsignal(signal.SIGALRM) is not None
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.6
        time.sleep(0.8)
        assert fired == [1]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    ("env", "expected"),
    [("", 60.0), ("0", 0.0), ("2.5", 2.5), (" 90 ", 90.0)],
)
def test_budget_from_the_environment(monkeypatch, env, expected):
    monkeypatch.setenv("KG_ARTICLE_SECONDS", env)
    assert article_seconds() == expected
    assert article_seconds(7) == 7.0  # an explicit value wins


@pytest.mark.parametrize("env", ["soon", "-1", "nan", "inf", "1e999"])
def test_bad_budget_is_refused(monkeypatch, env):
    monkeypatch.setenv("KG_ARTICLE_SECONDS", env)
    with pytest.raises(InputError, match="KG_ARTICLE_SECONDS"):
        article_seconds()


def test_an_article_over_budget_is_a_problem_and_the_rest_extracts(long_text):
    from kg.pipeline.build import extract_chunk
    from kg.pipeline.extract.records import ArticleExtraction

    chunk = [art("a.txt", SHORT), art("slow.txt", long_text), art("c.txt", SHORT)]
    t0 = time.perf_counter()
    out = extract_chunk(chunk, article_seconds=0.5)
    assert time.perf_counter() - t0 < 10
    assert isinstance(out[0], ArticleExtraction) and isinstance(out[2], ArticleExtraction)
    assert out[1] == Problem("slow.txt", "took longer than 0.5 s; skipped")
    assert out[0].events  # the pipeline still works after an interrupted article
    # no budget: the same article is extracted
    assert isinstance(extract_chunk([art("slow.txt", long_text[:150_000])])[0], ArticleExtraction)


def test_budget_in_a_thread_is_checked_between_steps(long_text):
    """Dask runs tasks in threads, where no signal arrives: the deadline is checked
    between the parts of an article, the pipeline's steps and its sentences."""
    from kg.pipeline.build import extract_chunk

    result = {}

    def run():
        t0 = time.perf_counter()
        result["out"] = extract_chunk([art("slow.txt", long_text)], article_seconds=0.5)
        result["seconds"] = time.perf_counter() - t0

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(60)
    assert result["out"] == [Problem("slow.txt", "took longer than 0.5 s; skipped")]
    assert result["seconds"] < 5


def kg_build(corpus: Path, out: Path, *args: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out), "-q", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_build_skips_a_slow_article(tmp_path, long_text, jobs):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(SHORT, encoding="utf-8")
    (corpus / "slow.txt").write_text(long_text, encoding="utf-8")
    (corpus / "z.txt").write_text(SHORT.replace("عين الأسد", "التاجي"), encoding="utf-8")
    proc = kg_build(corpus, tmp_path / "out", "--jobs", jobs, env={"KG_ARTICLE_SECONDS": "1"})
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    err = " ".join(proc.stderr.split())
    assert "kg: skipped slow.txt: took longer than 1 s; skipped" in err


def test_bad_budget_stops_the_build(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(SHORT, encoding="utf-8")
    proc = kg_build(corpus, tmp_path / "out", env={"KG_ARTICLE_SECONDS": "soon"})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "KG_ARTICLE_SECONDS='soon' is not a number of seconds" in " ".join(proc.stderr.split())


# --- workers end with their build ---------------------------------------------------------


def _children(pid: int) -> dict[int, str]:
    """Processes whose parent is ``pid``: their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, ValueError, IndexError):
            continue
    return {k: v.decode(errors="replace") for k, v in found.items()}


def _running(pid: int) -> bool:
    """Alive and not a zombie (a killed worker whose new parent has not reaped it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_killed_build(tmp_path, seeds_dir):
    """kill -9 of `kg build --jobs 2` left its spawn workers extracting for minutes."""
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt")))
    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(32):  # ~1 s each: chunks of 8 keep a worker busy for many seconds
        (corpus / f"a{i:02d}.txt").write_text(seeds * 4 + f"\nرقم {i}\n", encoding="utf-8")
    build = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(tmp_path / "o")]
        + ["--jobs", "2", "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    others: dict[int, str] = {}
    try:
        workers: dict[int, str] = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            workers = {p: c for p, c in _children(build.pid).items() if "spawn_main" in c}
            if len(workers) >= 2:
                break
            time.sleep(0.2)
        assert len(workers) >= 2, _children(build.pid)
        time.sleep(3)  # well into extraction (the pipeline is built, chunks are running)
        assert build.poll() is None, "the build ended before it could be killed"
        others = _children(build.pid)  # the resource tracker too, if there is one
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_running(p) for p in others):
            time.sleep(0.1)
        left = {p: others[p] for p in others if _running(p)}
        assert not left, f"still running after the build was killed: {left}"
    finally:  # leave nothing behind, whatever happened (the workers are orphans by now)
        if build.poll() is None:
            build.kill()
        for pid in {**others, **_children(build.pid)}:
            if _running(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass


def test_watchdog_ends_an_orphan(tmp_path):
    """Where PR_SET_PDEATHSIG is missing, the watchdog thread ends a worker whose parent
    is gone. Shown with a parent that is not this worker's parent from the start."""
    code = (
        "import time\n"
        "from kg.pipeline.extract import budget\n"
        "budget._watch_parent(0, every=0.1)\n"  # pid 0 is never our parent
        "time.sleep(30)\n"
    )
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=30)
    assert proc.returncode == 1 and time.monotonic() - t0 < 10
