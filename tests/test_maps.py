"""kg map: the Leaflet page (checked in headless chromium, offline), the picture, the list
of events without a located place."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import headless_chromium
from typer.testing import CliRunner

from kg.analysis.maps import (
    Point,
    event_summary,
    load_map_data,
    load_points,
    map_data,
    picture_format,
    render_html,
    write_html,
    write_picture,
)
from kg.errors import OutputError

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (Debian: apt-get install -y chromium); the map page is checked in a real browser",
)
ENT = "https://w3id.org/kg-iraq/id/entity/"


@pytest.fixture(scope="module")
def data(seed_build):
    return load_map_data(seed_build.out)


@pytest.fixture(scope="module")
def page(data, tmp_path_factory) -> Path:
    return write_html(data, tmp_path_factory.mktemp("map") / "map.html")


def chromium(path: Path, tmp_path: Path) -> tuple[str, list[str]]:
    """The page's DOM after its scripts ran, and every URL the browser asked for."""
    netlog = tmp_path / "netlog.json"
    cmd = headless_chromium(
        tmp_path / "chromium-profile",
        f"--log-net-log={netlog}",
        "--virtual-time-budget=3000",
        "--dump-dom",
        path.resolve().as_uri(),
    )
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    text = netlog.read_text("utf-8", errors="replace").rstrip()
    try:
        log = json.loads(text)
    except ValueError:  # chromium may leave the event list open
        log = json.loads(text.rstrip(",") + "]}")
    events = log.get("events", [])
    assert events, "the net log recorded nothing"
    # the page's own requests: the browser's background ones have no origin as initiator
    urls = [
        e["params"]["url"]
        for e in events
        if isinstance(e.get("params", {}).get("url"), str)
        and e["params"].get("initiator", "not an origin") != "not an origin"
    ]
    return done.stdout, urls


def root_attrs(dom: str) -> dict[str, str]:
    tag = re.search(r"<html([^>]*)>", dom).group(1)
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


# --------------------------------------------------------------------------- data


def test_gazetteer_points_are_lon_lat(tmp_path) -> None:
    points = load_points()
    taji = points[ENT + "camp-taji"]
    assert 44 < taji.lon < 45 and 33 < taji.lat < 34
    assert taji.source and taji.source.startswith("http")


def test_events_are_placed_only_at_sourced_points() -> None:
    points = {ENT + "kirkuk": Point(44.39, 35.47, "https://example.org/kirkuk")}
    events = [
        {
            "id": "e1",
            "type": "RocketAttack",
            "locations": [{"iri": ENT + "kirkuk", "label_en": "Kirkuk"}],
        },
        {
            "id": "e2",
            "type": "Withdrawal",
            "locations": [{"iri": ENT + "iraq", "label_en": "Iraq"}],
        },
        {"id": "e3", "type": "Attack", "locations": []},
        {
            "id": "e4",
            "type": "AirStrike",
            "locations": [
                {"iri": ENT + "iraq", "label_en": "Iraq"},
                {"iri": ENT + "kirkuk", "label_en": "Kirkuk"},
            ],
        },
    ]
    data = map_data(events, points)
    assert [p.label_en for p in data.places] == ["Kirkuk"]
    assert [e["id"] for e in data.places[0].events] == ["e1", "e4"]
    assert [e["id"] for e in data.unlocated] == ["e2", "e3"]
    assert data.located_events == 2


def test_seed_map_places_and_lists(data, seed_build) -> None:
    from kg.analysis.acled import read_events

    events = read_events(seed_build.out)
    assert data.places, "the seeds name places with coordinates"
    placed = {e["id"] for p in data.places for e in p.events}
    listed = {e["id"] for e in data.unlocated}
    assert placed | listed == {e["id"] for e in events}
    assert not placed & listed
    points = load_points()
    for p in data.places:
        assert p.iri in points and p.point == points[p.iri]
    for e in data.unlocated:
        assert not any(loc["iri"] in points for loc in e.get("locations") or [])


def test_event_summary_has_type_date_who_and_evidence(data) -> None:
    ev = next(
        e for p in data.places for e in p.events if e.get("attributed_to") or e.get("attackers")
    )
    s = event_summary(ev)
    assert s["type"] and s["date"] and s["who"] and s["evidence"]


# --------------------------------------------------------------------------- page


def test_page_is_self_contained(data) -> None:
    text = render_html(data)
    assert "L.circleMarker" in text and "Leaflet" in text
    assert not re.search(r"""(src|href)=["']https?://""", text.split("<script>")[0])
    assert "tile.openstreetmap" not in text
    assert '"tiles": null' in text


def test_page_lists_events_without_a_located_place(data, page) -> None:
    text = page.read_text("utf-8")
    listed = re.findall(r'<li data-event="([^"]+)"', text)
    assert listed == [e["id"] for e in data.unlocated]
    assert data.unlocated, "the seeds have events located only in a state (Iraq)"


@needs_chromium
def test_page_renders_markers_offline(data, page, tmp_path) -> None:
    dom, urls = chromium(page, tmp_path)
    attrs = root_attrs(dom)
    assert attrs.get("data-ready") == "1", "the page's script did not finish"
    assert int(attrs["data-markers"]) == len(data.places) > 0
    assert len(re.findall(r'class="[^"]*kg-place', dom)) == len(data.places)
    for p in data.places:
        assert f'data-place="{p.iri}"' in dom
    remote = [u for u in urls if not u.startswith(("file:", "data:", "blob:", "about:"))]
    assert remote == [], remote


@needs_chromium
def test_the_network_check_sees_a_page_request(data, tmp_path) -> None:
    """With --tiles the page does ask the network: the check above would see it."""
    page = write_html(data, tmp_path / "tiles.html", tiles="http://127.0.0.1:9/{z}/{x}/{y}.png")
    dom, urls = chromium(page, tmp_path)
    assert root_attrs(dom).get("data-ready") == "1"
    assert any(u.startswith("http://127.0.0.1:9/") for u in urls), urls


# --------------------------------------------------------------------------- picture


@pytest.mark.parametrize(
    ("name", "magic"),
    [("map.png", b"\x89PNG\r\n\x1a\n"), ("map.svg", b"<?xml"), ("map.pdf", b"%PDF")],
)
def test_picture_has_the_right_magic_bytes(data, tmp_path, name, magic) -> None:
    out = write_picture(data, tmp_path / name)
    head = out.read_bytes()[:64]
    assert head.startswith(magic), head
    if name.endswith(".svg"):
        assert b"<svg" in out.read_bytes()[:2000]


def test_picture_format_by_extension(tmp_path) -> None:
    assert picture_format("a.PNG") == "png" and picture_format("a.svg") == "svg"
    with pytest.raises(OutputError):
        picture_format(tmp_path / "map.jpg")


# --------------------------------------------------------------------------- CLI


def test_cli_writes_page_and_pictures(seed_build, tmp_path) -> None:
    from kg.cli import app

    html, png, svg = tmp_path / "m.html", tmp_path / "m.png", tmp_path / "m.svg"
    result = CliRunner().invoke(
        app,
        [
            "map",
            "--html",
            str(html),
            "--png",
            str(png),
            "--svg",
            str(svg),
            "-g",
            str(seed_build.out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert html.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert png.read_bytes().startswith(b"\x89PNG") and svg.read_bytes().startswith(b"<?xml")
    assert "without a located place" in result.output


def test_cli_refuses_an_unknown_picture_extension(seed_build, tmp_path) -> None:
    from kg.cli import app

    result = CliRunner().invoke(
        app, ["map", "--png", str(tmp_path / "m.gif"), "-g", str(seed_build.out)]
    )
    assert result.exit_code != 0
    assert not (tmp_path / "m.gif").exists()


def test_cli_tiles_are_off_by_default_and_optional(seed_build, tmp_path) -> None:
    from kg.cli import app

    out = tmp_path / "t.html"
    url = "https://tile.example.org/{z}/{x}/{y}.png"
    result = CliRunner().invoke(
        app, ["map", "--html", str(out), "--tiles", url, "-g", str(seed_build.out)]
    )
    assert result.exit_code == 0, result.output
    assert url in out.read_text("utf-8")
