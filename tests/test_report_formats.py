"""`cibwatch report` outputs: columns exact, STIX valid, graphs parse, redaction, decisions, escaping."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from typer.testing import CliRunner

from cibwatch.cli import app
from cibwatch.report import build_report
from cibwatch.report.csvs import ASSET_COLUMNS, INDICATOR_COLUMNS
from cibwatch.report.markdown import md
from cibwatch.store import Workspace
from report_worlds import build


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    path = tmp_path_factory.mktemp("w") / "ws"
    with Workspace(path) as ws:
        build(ws, hostile=True)
        ws.con.execute(
            "INSERT INTO decisions (decision_id, network_id, decision, reason, actor, decided_at) "
            "VALUES (1, 'net-meta', 'takedown', 'confirmed by analyst', 'ana', ?)",
            [datetime(2022, 2, 1)],
        )
        (ws.out / "laundering.json").write_text(
            json.dumps({"chains": [{"state": {"id": "s1", "url": "https://presstv.ir/a", "outlet": "Press TV", "published_at": "2022-01-01"},
                                    "intermediary": {"id": "i1", "url": "javascript:alert(1)", "outlet": "<b>Friendly</b>", "author": "A. Writer", "published_at": "2022-01-02"},
                                    "citeback": {"id": "c1", "url": "https://presstv.ir/b", "outlet": "Press TV", "published_at": "2022-01-03"},
                                    "credited": False, "passages": [], "gaps_hours": [24.0, 24.0]}],
                        "intermediaries": [{"author": "A. Writer", "outlet": "<b>Friendly</b>", "chains": 1, "uncredited": 1}]}),
            encoding="utf-8",
        )  # fmt: skip
        paths = build_report(ws)
        public = build_report(ws, redact=True, threshold=1000)
    return path, paths, public


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_all_files_written(world):
    _, paths, public = world
    for p in [*paths.values(), *public.values()]:
        assert p.is_file() and p.stat().st_size > 0
    assert public["report.html"].parent.name == "public"


def test_assets_csv_columns_and_status(world):
    _, paths, _ = world
    rows = read_csv(paths["assets.csv"])
    assert tuple(rows[0]) == ASSET_COLUMNS == (
        "platform", "kind", "native_id", "handle", "network", "score", "status"
    )  # fmt: skip
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert len(body) == 8 + 9  # the two suspected networks' members
    status = {r["network"]: r["status"] for r in body}
    assert status == {"net-tehran": "detected", "net-meta": "taken-down"}
    # Formula injection: no handle cell starts with a spreadsheet operator.
    assert all(not r["handle"].startswith(("=", "+", "-", "@")) for r in body)


def test_indicators_csv_in_meta_layout(world):
    _, paths, _ = world
    rows = read_csv(paths["indicators.csv"])
    assert (
        tuple(rows[0])
        == INDICATOR_COLUMNS
        == ("Tactic", "Technique", "Procedure", "Indicator", "Comments")
    )
    indicators = [r[3] for r in rows[1:]]
    assert "8 X accounts" in indicators
    assert "presstv[.]ir" in indicators  # defanged, as Meta publishes
    assert all(len(r) == 5 for r in rows)


def test_stix_bundle_is_valid(world):
    stix2validator = pytest.importorskip("stix2validator")
    _, paths, public = world
    for p in (paths["networks.stix.json"], public["networks.stix.json"]):
        text = p.read_text(encoding="utf-8")
        result = stix2validator.validate_string(
            text, stix2validator.ValidationOptions(version="2.1")
        )
        results = result if isinstance(result, list) else [result]
        errors = [str(e) for r in results for e in (getattr(r, "errors", None) or [])]
        assert all(r.is_valid for r in results), errors[:5]
        types = {o["type"] for o in json.loads(text)["objects"]}
        assert {
            "intrusion-set",
            "campaign",
            "user-account",
            "domain-name",
            "relationship",
            "indicator",
        } <= types


def test_graphs_parse_with_attributes(world):
    import igraph as ig

    _, paths, _ = world
    g = ig.Graph.Read_GraphML(str(paths["networks.graphml"]))
    assert g.vcount() == 17
    assert {"platform", "kind", "native_id", "network"} <= set(g.vs.attributes())
    assert {"signal", "weight", "network"} <= set(g.es.attributes())
    root = ET.parse(paths["networks.gexf"]).getroot()
    ns = {"g": "http://gexf.net/1.3"}
    assert len(root.findall(".//g:node", ns)) == 17
    assert len(root.findall(".//g:edge", ns)) == g.ecount()


def test_redaction_masks_small_assets_everywhere(world):
    _, paths, public = world
    internal = read_csv(paths["assets.csv"])
    redacted = read_csv(public["assets.csv"])
    small = [r for r in internal[1:] if r[4] == "net-tehran"]
    masked = [r for r in redacted[1:] if r[4] == "net-tehran"]
    # followers are 50 + 300 i: ids 904-907 have at least 1000 and stay, 900-903 are masked
    assert {r[2] for r in small} & {r[2] for r in masked} == {"904", "905", "906", "907"}
    assert sum(r[2].startswith("account-") for r in masked) == 4
    html = public["report.html"].read_text(encoding="utf-8")
    assert "<bdi>900</bdi>" not in html and "<bdi>904</bdi>" in html
    assert "Public version" in html
    md_text = public["report.md"].read_text(encoding="utf-8")
    assert "@target\\_person" not in md_text  # mention targets of unknown reach are masked


def test_html_is_escaped_and_script_free(world):
    _, paths, _ = world
    html = paths["report.html"].read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", "")
    assert 'href="javascript:' not in html.lower()
    import html as htmllib

    assert "Content-Security-Policy" in html and "script-src 'none'" in htmllib.unescape(html)
    assert "&lt;script&gt;" in html
    assert "Information laundering" in html and "&lt;b&gt;Friendly&lt;/b&gt;" in html


def test_markdown_escapes_injection():
    assert md("[x](javascript:alert(1))") == "\\[x\\]\\(javascript\\:alert\\(1\\)\\)"
    assert md("<script>") == "\\<script\\>"
    assert "U\\+202E" in md("a\u202eb") and "\u202e" not in md("a\u202eb")
    assert "\n" not in md("a\nb")


def test_report_md_has_the_findings(world):
    _, paths, _ = world
    text = paths["report.md"].read_text(encoding="utf-8")
    assert "UTC+3:30" in text and "Saturday–Thursday" in text
    assert "Q1 2023 Iran\\-based CIB network" in text
    assert "taken-down" in text or "taken down" in text


def test_cli_report_prints_html_path(world):
    path, _, _ = world
    result = CliRunner().invoke(app, ["report", "--workspace", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].endswith("report.html")


def test_empty_workspace_gives_an_empty_report(tmp_path):
    with Workspace(tmp_path / "ws"):
        pass
    result = CliRunner().invoke(app, ["report", "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "ws" / "out" / "report.html").read_text(encoding="utf-8")
    assert "No suspected network to report." in html
    rows = read_csv(tmp_path / "ws" / "out" / "assets.csv")
    assert rows == [list(ASSET_COLUMNS)]


def test_watchlist_errors_are_listed(tmp_path):
    from cibwatch.characterize.targets import load_watchlist
    from cibwatch.errors import ConfigError

    bad = tmp_path / "w.toml"
    bad.write_text(
        '[[targets]]\naliases = ["x"]\n[[targets]]\nname = "ok"\naliases = "x"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as err:
        load_watchlist(bad)
    assert "n°1" in str(err.value) and "n°2" in str(err.value)
