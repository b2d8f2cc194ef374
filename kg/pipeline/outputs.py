"""The output folder: what kg owns in it, and how a build replaces its outputs as one set.

A build never writes its files one by one over the previous ones. It writes a
whole new *generation* (every dump, table and report) into a folder of its
own, and then switches one symbolic link::

    out/
      .kg-output                  marker: kg wrote this folder (see MARKER_TEXT)
      graph.trig -> .kg/current/graph.trig      fixed links, one per output file
      graph.nq   -> .kg/current/graph.nq        (made once, never rewritten)
      ...
      .kg/
        current -> generations/gen-000007       the one link a build switches
        generations/gen-000006/                 the previous set (kept for readers)
        generations/gen-000007/                 the current set
        cache/                                  per-article extractions (kg.pipeline.cache)
        tmp/                                    spill files of the build running now
        leases/                                 generations held by a running reader
        lock                                    held by the build running now

Switching ``.kg/current`` is one ``rename``: a reader sees the old set or the
new set, never a mix, and a ``kill -9`` at any moment leaves one complete set.
Readers that open several files (``kg serve``, ``kg query``) resolve the link
once (:func:`resolve_generation`) and read everything from that generation;
``kg serve`` also *leases* it (:func:`hold`), so later builds keep it on disk.

Ownership: kg removes only what it can prove it wrote. A folder is kg's when it
holds the marker; a folder written by kg before the marker existed is
recognised by its ``build-report.json``. kg refuses to write into any other
non-empty folder unless asked (``force``), and even then it adds its files
beside the user's and refuses to replace a user's file that has an output's
name. Inside its own folder it removes only ``.kg/`` entries it names itself.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import OutputError
from kg.pipeline.dumps import write_atomic

OUTPUT_FILES = (
    "graph.trig",
    "graph.nq",
    "graph.ttl",
    "events.jsonl",
    "events.csv",
    "entities.jsonl",
    "build-report.json",
)
"""Every file a build writes: the one list (dumps, tables, report)."""

MARKER = ".kg-output"
MARKER_TEXT = '{"written_by": "kg", "layout": 2}\n'
STATE = ".kg"
KEEP_GENERATIONS = 2
"""The current generation and the one before it (a reader that resolved the link
just before a switch can still open its files)."""

_GENERATION = re.compile(r"^gen-(\d{6,})$")
_PARTIAL = re.compile(r"^\.gen-(\d{6,})\.partial$")
_MARKER_TMP = re.compile(r"^\.kg-output\.[A-Za-z0-9_]+\.tmp$")
_LEASE = re.compile(r"^(\d+)\.(gen-\d{6,})$")


# --- ownership ---------------------------------------------------------------------


def _is_marker(path: Path) -> bool:
    try:
        return path.is_file() and not path.is_symlink() and path.read_text("utf-8") == MARKER_TEXT
    except (OSError, UnicodeDecodeError):
        return False


def _is_legacy(out: Path) -> bool:
    """A folder an earlier kg wrote (before the marker): its build report says so."""
    report = out / "build-report.json"
    try:
        if report.is_symlink() or not report.is_file() or report.stat().st_size > 64 << 20:
            return False
        data = json.loads(report.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and {"articles", "problems", "events", "quads"} <= set(data)


def is_kg_folder(out: Path) -> bool:
    """True when kg can prove it wrote ``out`` (the marker, or an earlier kg's report)."""
    out = Path(out)
    return _is_marker(out / MARKER) or _is_legacy(out)


def check_writable(out: Path, force: bool = False) -> None:
    """Refuse, before anything is written, an output folder that kg may not write into.

    ``out`` may be missing or empty, kg's own, or (with ``force``) any folder: then
    kg adds its files beside the user's, but still never replaces a user's file
    that has an output's name.
    """
    out = Path(out)
    if out.is_symlink() and not out.exists():
        raise OutputError(f"{out}: a broken symbolic link, not an output folder")
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    if is_kg_folder(out):
        return
    try:
        entries = sorted(p.name for p in out.iterdir())
    except OSError as exc:
        raise OutputError(f"{out}: cannot list the output folder ({exc.strerror})") from exc
    if not entries:
        return
    if not force:
        shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
        raise OutputError(
            f"{out}: not a kg output folder and not empty ({shown}); choose a new or empty "
            "folder, or pass --force to add kg's files beside these (kg never removes them)"
        )
    clashes = [n for n in (*OUTPUT_FILES, STATE, MARKER) if n in entries]
    if clashes:
        raise OutputError(
            f"{out}: {', '.join(clashes)} already there and not written by kg; move "
            "it away or choose another folder"
        )


# --- the folder a build writes -----------------------------------------------------


@dataclass(frozen=True)
class Generation:
    """A finished set of outputs."""

    name: str
    path: Path


class OutputFolder:
    """The output folder of one build: claim it, write a generation, switch to it.

    ``claim()`` is idempotent and cheap; the build calls it before its first write
    (a corpus with nothing readable never claims, so it touches nothing). While
    claimed, the folder is locked: a second build into it stops with an error.
    """

    def __init__(self, out: Path, force: bool = False) -> None:
        self.out = Path(out)
        self.force = force
        self.state = self.out / STATE
        self._lock_fd: int | None = None

    # paths kg owns inside the folder
    @property
    def cache_dir(self) -> Path:
        return self.state / "cache"

    @property
    def tmp_dir(self) -> Path:
        return self.state / "tmp"

    @property
    def generations(self) -> Path:
        return self.state / "generations"

    def claim(self) -> None:
        """Check ownership, create kg's folders and the marker, take the lock,
        and clear what a killed build of kg left (its own temporary names only)."""
        if self._lock_fd is not None:
            return
        check_writable(self.out, self.force)
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            for d in (self.state, self.cache_dir, self.tmp_dir, self.generations):
                d.mkdir(exist_ok=True)
            fd = os.open(self.state / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(
                f"cannot write to the output folder {self.out} ({exc.strerror})"
            ) from exc
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise OutputError(
                    f"{self.out}: another kg build is writing to this folder; wait for it to end"
                ) from None
            raise OutputError(
                f"{self.out}: cannot lock the output folder ({exc.strerror})"
            ) from exc
        self._lock_fd = fd
        if not _is_marker(self.out / MARKER):
            write_atomic(self.out / MARKER, MARKER_TEXT.encode("utf-8"))
        self._clear_leftovers()

    def release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing drops the flock
            self._lock_fd = None

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _clear_leftovers(self) -> None:
        """Temporaries and unfinished generations of a killed kg build (kg's names only)."""
        for p in _entries(self.tmp_dir):
            _remove(p)
        for p in _entries(self.generations):
            if _PARTIAL.match(p.name):
                _remove(p)
        for name in OUTPUT_FILES:
            tmp = self.out / f".{name}.kg-link.tmp"
            if tmp.is_symlink() or tmp.is_file():
                _remove(tmp)
        for p in _entries(self.out):  # the marker's temporary (kg.pipeline.dumps.write_atomic)
            if _MARKER_TMP.match(p.name) and p.is_file() and not p.is_symlink():
                _remove(p)

    def start_generation(self) -> Path:
        """A new, empty folder for the next set of outputs (renamed by :meth:`commit`)."""
        self.claim()
        numbers = [0]
        for p in _entries(self.generations):
            m = _GENERATION.match(p.name) or _PARTIAL.match(p.name)
            if m:
                numbers.append(int(m.group(1)))
        partial = self.generations / f".gen-{max(numbers) + 1:06d}.partial"
        try:
            partial.mkdir()
        except OSError as exc:
            raise OutputError(f"cannot write to the output folder ({exc.strerror})") from exc
        return partial

    def commit(self, partial: Path) -> Generation:
        """Make a finished partial generation the current one: one rename of one link."""
        m = _PARTIAL.match(partial.name)
        if m is None or partial.parent != self.generations:
            raise OutputError(f"{partial.name}: not a generation of this folder")
        name = f"gen-{m.group(1)}"
        final = self.generations / name
        try:
            _fsync_dir(partial)
            os.rename(partial, final)
            _fsync_dir(self.generations)
            link = self.state / ".current.tmp"
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
            os.symlink(f"generations/{name}", link)
            current = self.state / "current"
            if current.is_dir() and not current.is_symlink():
                shutil.rmtree(current)  # a copy made by following links (cp -rL): kg's own folder
            os.replace(link, current)
            _fsync_dir(self.state)
            self._visible_links()
        except OSError as exc:
            raise OutputError(f"cannot switch to the new outputs ({exc.strerror})") from exc
        self.prune()
        return Generation(name, final)

    def _visible_links(self) -> None:
        """``out/NAME -> .kg/current/NAME`` for every output file (kg's own names).

        A regular file with an output's name is an earlier kg's output (the folder is
        kg's: see :func:`is_kg_folder`); it is replaced by the link in one rename."""
        for name in OUTPUT_FILES:
            target = f"{STATE}/current/{name}"
            path = self.out / name
            if path.is_symlink() and os.readlink(path) == target:
                continue
            tmp = self.out / f".{name}.kg-link.tmp"
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            os.symlink(target, tmp)
            os.replace(tmp, path)
        _fsync_dir(self.out)

    def prune(self) -> list[str]:
        """Remove generations beyond the newest KEEP_GENERATIONS, except leased ones."""
        held = _live_leases(self.state / "leases")
        names = sorted(
            (p.name for p in _entries(self.generations) if _GENERATION.match(p.name)),
            key=lambda n: int(n[4:]),
        )
        current = current_generation_name(self.out)
        keep = set(names[-KEEP_GENERATIONS:]) | held | ({current} if current else set())
        gone = []
        for name in names:
            if name not in keep:
                _remove(self.generations / name)
                gone.append(name)
        return gone


# --- readers -----------------------------------------------------------------------


def current_generation_name(out: Path) -> str | None:
    try:
        target = os.readlink(Path(out) / STATE / "current")
    except OSError:
        return None
    name = Path(target).name
    return name if _GENERATION.match(name) else None


def resolve_generation(out: Path) -> Path | None:
    """The folder of the current generation of a kg output folder (resolved once), or
    None when ``out`` has no generations (an earlier kg's layout, or not kg's)."""
    name = current_generation_name(out)
    if name is None:
        return None
    path = Path(out) / STATE / "generations" / name
    return path.resolve() if path.is_dir() else None


def generation_of(path: Path) -> tuple[Path, str] | None:
    """(output folder, generation name) when ``path`` lies in a kg generation folder."""
    p = Path(path).resolve()
    for folder in (p, *p.parents):
        if _GENERATION.match(folder.name) and folder.parent.name == "generations":
            state = folder.parent.parent
            if state.name == STATE:
                return state.parent, folder.name
    return None


class Lease:
    """A running reader's hold on one generation: builds keep it on disk until released."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def release(self) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
            self.path = None

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def hold(path: Path) -> Lease:
    """Lease the generation that ``path`` (a dump file or a generation folder) lies in.

    Outside a kg generation (a file elsewhere, an earlier layout) there is nothing to
    hold and the lease is empty. A lease of a process that died is ignored."""
    found = generation_of(path)
    if found is None:
        return Lease(None)
    out, name = found
    leases = out / STATE / "leases"
    try:
        leases.mkdir(exist_ok=True)
        lease = leases / f"{os.getpid()}.{name}"
        lease.touch()
    except OSError:
        return Lease(None)  # a read-only output folder: nothing prunes it either
    return Lease(lease)


def _live_leases(folder: Path) -> set[str]:
    held = set()
    for p in _entries(folder):
        m = _LEASE.match(p.name)
        if not m:
            continue
        if _alive(int(m.group(1))):
            held.add(m.group(2))
        else:
            _remove(p)
    return held


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- small file helpers -----------------------------------------------------------------


def _entries(folder: Path) -> Iterator[Path]:
    try:
        yield from sorted(folder.iterdir())
    except OSError:
        return


def _remove(path: Path) -> None:
    """Remove a file, link or folder of kg's (never following a link out of it)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError:
        pass  # harmless: it is never read as an output, and the next build tries again


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
