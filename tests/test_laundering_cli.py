"""`cibwatch launder`: summary, output file, analyst outlets, one-line errors."""

from __future__ import annotations

import json

import pytest

from cibwatch.cli import main
from laundering_world import STATE_EN, article, workspace


def test_launder_command_writes_json(tmp_path, capsys):
    inter = article("ghr-1", "globalhorizonreview.com", "Global Horizon Review", 20, STATE_EN)
    workspace(
        tmp_path / "w", [article("ptv-1", "presstv.ir", "Press TV", 0, STATE_EN), inter]
    ).close()
    with pytest.raises(SystemExit) as exc:
        main(["launder", "-w", str(tmp_path / "w"), "--json"])
    assert exc.value.code == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["state_articles"], summary["intermediary_articles"]) == (1, 1)
    data = json.loads((tmp_path / "w" / "out" / "laundering.json").read_text(encoding="utf-8"))
    assert data["intermediaries"][0]["outlet"] == "Global Horizon Review"


def test_analyst_outlet_file_and_its_errors(tmp_path, capsys):
    rows = [
        article("own-1", "ourstate.example", "Our State TV", 0, STATE_EN),
        article("ghr-1", "globalhorizonreview.com", "Global Horizon Review", 20, STATE_EN),
    ]
    workspace(tmp_path / "w", rows).close()
    good = tmp_path / "mine.toml"
    good.write_text(
        '[[outlet]]\nname = "Our State TV"\ndomains = ["ourstate.example"]\n'
        'sources = ["https://example.org/registry"]\n',
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as exc:
        main(["launder", "-w", str(tmp_path / "w"), "--outlets", str(good), "--json"])
    assert exc.value.code == 0
    assert json.loads(capsys.readouterr().out)["state_articles"] == 1
    bad = tmp_path / "bad.toml"
    bad.write_text('[[outlet]]\nname = "X"\ndomains = ["x.example"]\n', encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["launder", "-w", str(tmp_path / "w"), "--outlets", str(bad)])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "needs `sources`" in err and len(err.strip().splitlines()) == 1
