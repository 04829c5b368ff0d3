"""Review app over HTTP (in-process): access control, CSRF, decisions, headers, list and pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from cibwatch.review.app import create_app  # noqa: E402
from cibwatch.review.auth import ensure_token, new_token  # noqa: E402
from cibwatch.store import Workspace  # noqa: E402
from review_world import build_world  # noqa: E402

ORIGIN = "http://testserver"


@pytest.fixture()
def world(tmp_path: Path) -> dict:
    ws = tmp_path / "w"
    info = build_world(ws)
    info["path"] = ws
    info["token"] = ensure_token(ws)
    return info


@pytest.fixture()
def client(world: dict):
    with TestClient(create_app(world["path"])) as c:
        yield c


def bearer(world: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {world['token']}"}


def login(client: TestClient, world: dict, actor: str = "Maryam R.") -> str:
    r = client.post(
        "/login",
        data={"actor": actor, "token": world["token"], "next": "/networks"},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = client.get("/networks/net-1")
    assert page.status_code == 200
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def decision_count(world: dict, client: TestClient) -> int:
    with client.app.state.store.cursor() as con:
        return con.execute("SELECT count(*) FROM decisions").fetchall()[0][0]


API_GETS = [
    "/api/networks",
    "/api/networks/net-1",
    "/api/graph?network_id=net-1",
    "/api/evidence?a=1&b=2",
    "/api/assets/1",
    "/api/decisions",
    "/api/taken-down",
    "/api/openapi.json",
]
PAGES = ["/", "/networks", "/networks/net-1", "/evidence?a=1&b=2", "/assets/1", "/decisions"]


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}]
)
def test_every_api_call_and_page_refuses_without_the_token(client, world, headers):
    for url in API_GETS:
        r = client.get(url, headers=headers)
        assert r.status_code == 401, url
        assert r.headers["www-authenticate"] == "Bearer"
        assert "net-1" not in r.text and "1001" not in r.text
    for url in PAGES:
        r = client.get(url, headers=headers, follow_redirects=False)
        assert r.status_code == 303, url
        assert r.headers["location"].startswith("/login?next=")
    r = client.post(
        "/api/decisions", json={"network_id": "net-1", "decision": "takedown"}, headers=headers
    )
    assert r.status_code == 401
    r = client.post(
        "/decide",
        data={"network_id": "net-1", "decision": "takedown"},
        headers=headers,
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert decision_count(world, client) == 0


def test_bearer_token_reads_every_api_route(client, world):
    for url in API_GETS:
        r = client.get(url, headers=bearer(world))
        assert r.status_code == 200, (url, r.text)
        assert r.headers["content-type"].startswith("application/json")


def test_login_sets_a_strict_httponly_session_cookie(client, world):
    r = client.post(
        "/login",
        data={"actor": "Maryam", "token": world["token"], "next": "/networks/net-1"},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/networks/net-1"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    assert world["token"] not in r.headers["set-cookie"]  # the cookie is a session id
    assert client.get("/networks").status_code == 200


def test_login_refuses_wrong_token_offsite_next_and_throttles(client, world):
    r = client.post("/login", data={"actor": "x", "token": "nope"}, headers={"Origin": ORIGIN})
    assert r.status_code == 401 and "wrong token" in r.text
    for target in ["//evil.example/", "/\\evil.example", "/\t/evil.example", "https://e.x/"]:
        r = client.post(
            "/login",
            data={"actor": "x", "token": world["token"], "next": target},
            headers={"Origin": ORIGIN},
            follow_redirects=False,
        )
        assert r.headers["location"] == "/networks", target
    r = client.post(
        "/login",
        data={"actor": "x", "token": world["token"]},
        headers={"Origin": "http://evil.example"},
    )
    assert r.status_code == 403
    for _ in range(12):
        r = client.post("/login", data={"actor": "x", "token": "bad"}, headers={"Origin": ORIGIN})
    assert r.status_code == 429


def test_forged_decision_without_the_csrf_token_is_refused(client, world):
    csrf = login(client, world)
    form = {"network_id": "net-1", "decision": "takedown", "reason": "forged"}
    # A cross-site form post would carry the cookie (were it not SameSite) but not the token.
    for extra, headers in [
        ({}, {"Origin": ORIGIN}),
        ({"csrf_token": "guess"}, {"Origin": ORIGIN}),
        ({"csrf_token": csrf}, {"Origin": "http://evil.example"}),
        ({"csrf_token": csrf}, {"Origin": "null"}),
    ]:
        r = client.post("/decide", data={**form, **extra}, headers=headers, follow_redirects=False)
        assert r.status_code == 403, (extra, headers)
    r = client.post(
        "/api/decisions", json={"network_id": "net-1", "decision": "takedown"}
    )  # cookie only, no X-CSRF-Token
    assert r.status_code == 403
    assert decision_count(world, client) == 0

    r = client.post(
        "/decide",
        data={**form, "csrf_token": csrf, "reason": "removed on 2024-03-02"},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"].startswith("/networks/net-1?recorded=")
    r = client.post(
        "/api/decisions",
        json={"network_id": "net-2", "decision": "reject", "reason": "authentic coordination"},
        headers={"X-CSRF-Token": csrf, "Origin": ORIGIN},
    )
    assert r.status_code == 201
    log = client.get("/api/decisions").json()
    assert [(d["decision"], d["actor"], d["via"]) for d in log["decisions"]] == [
        ("reject", "Maryam R.", "browser"),
        ("takedown", "Maryam R.", "browser"),
    ]
    assert log["chain_intact"] is True


def test_bearer_decisions_need_no_csrf_and_take_the_actor(client, world):
    r = client.post(
        "/api/decisions",
        json={"network_id": "net-1", "decision": "takedown", "reason": "batch", "actor": "bot"},
        headers=bearer(world),
    )
    assert r.status_code == 201
    body = r.json()
    assert body["actor"] == "bot" and body["payload"]["via"] == "api"
    assert len(body["payload"]["members"]) == len(world["net1"])
    down = client.get("/api/taken-down", headers=bearer(world)).json()["assets"]
    assert {a["asset_id"] for a in down} == set(world["net1"])
    assert {"platform", "kind", "native_id"} <= set(down[0])


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"network_id": "net-1", "decision": "reject"}, 400),  # no reason
        ({"network_id": "nope", "decision": "confirm"}, 400),
        ({"network_id": "net-1", "decision": "delete"}, 422),
        ({"network_id": "net-1", "decision": "split", "reason": "x", "members": [999]}, 400),
        ({"network_id": "net-1", "decision": "merge", "reason": "x", "networks": ["nope"]}, 400),
    ],
)
def test_invalid_decisions_are_refused_with_a_reason(client, world, body, status):
    r = client.post("/api/decisions", json=body, headers=bearer(world))
    assert r.status_code == status, r.text
    assert r.json()["detail"]
    assert decision_count(world, client) == 0


def test_token_reset_stops_the_old_token_and_its_sessions(client, world):
    login(client, world)
    assert client.get("/networks").status_code == 200
    fresh = new_token(world["path"])
    assert fresh != world["token"]
    assert client.get("/api/networks", headers=bearer(world)).status_code == 401
    assert client.get("/networks", follow_redirects=False).status_code == 303
    r = client.get("/api/networks", headers={"Authorization": f"Bearer {fresh}"})
    assert r.status_code == 200


def test_token_is_stored_hashed(world):
    stored = (world["path"] / "review" / "token.json").read_text()
    assert world["token"] not in stored
    assert '"algorithm": "scrypt"' in stored
    assert (world["path"] / "review" / "token.json").stat().st_mode & 0o077 == 0


def test_security_headers_on_pages_and_api(client, world):
    login(client, world)
    for url in ["/networks", "/networks/net-1", "/api/networks", "/login"]:
        h = client.get(url).headers
        csp = h["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert h["cache-control"] == "no-store"


def test_host_header_must_be_loopback_when_asked(world):
    app = create_app(world["path"], allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://rebind.evil.example") as c:
        assert c.get("/api/networks", headers=bearer(world)).status_code == 400
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        assert c.get("/api/networks", headers=bearer(world)).status_code == 200


def test_openapi_spec_describes_the_api(client, world):
    spec = client.get("/api/openapi.json", headers=bearer(world)).json()
    paths = spec["paths"]
    assert {"/api/networks", "/api/networks/{network_id}", "/api/assets/{asset_id}"} <= set(paths)
    assert {"get", "post"} <= set(paths["/api/decisions"])
    schema = spec["components"]["schemas"]["DecisionIn"]
    assert set(schema["properties"]["decision"]["enum"]) == {
        "confirm",
        "reject",
        "takedown",
        "split",
        "merge",
    }
    assert client.get("/docs").status_code in (401, 404)  # no CDN-loading Swagger UI


def test_network_list_sorts_filters_and_shows_status(client, world):
    h = bearer(world)
    nets = client.get("/api/networks", headers=h).json()
    assert [n["network_id"] for n in nets["networks"]] == ["net-1", "net-2"]
    first = nets["networks"][0]
    assert first["size"] == len(world["net1"]) and first["status"] == "detected"
    assert sum(c["n"] for c in first["counts"]) == first["size"]
    assert {c["platform"] for c in first["counts"]} >= {"twitter", "facebook", "telegram"}
    by_size = client.get("/api/networks?sort=size&order=asc", headers=h).json()["networks"]
    assert [n["network_id"] for n in by_size] == ["net-2", "net-1"]
    client.post(
        "/api/decisions",
        json={"network_id": "net-2", "decision": "reject", "reason": "authentic coordination"},
        headers=h,
    )
    rejected = client.get("/api/networks?status=rejected", headers=h).json()
    assert [n["network_id"] for n in rejected["networks"]] == ["net-2"]
    aside = client.get("/api/networks?suspected=false", headers=h).json()["networks"]
    assert [n["network_id"] for n in aside] == ["net-2"]
    tg = client.get("/api/networks?platform=telegram&tier=high", headers=h).json()["networks"]
    assert [n["network_id"] for n in tg] == ["net-1"]
    login(client, world)
    page = client.get("/networks?status=rejected").text
    assert "net-2" in page and 'href="/networks/net-1"' not in page
    assert 'href="/networks?sort=size&order=desc&amp;status=rejected"' in page  # keeps filter
    page = client.get("/networks?suspected=yes").text
    assert 'href="/networks/net-1"' in page and 'href="/networks/net-2"' not in page
    page = client.get("/networks?sort=size&order=asc").text
    assert page.index("/networks/net-2") < page.index("/networks/net-1")


def test_network_asset_and_evidence_pages_name_assets_fully(client, world):
    login(client, world)
    page = client.get("/networks/net-1").text
    assert "twitter</span> · account · <bdi" in page
    assert page.count('name="members"') == len(world["net1"])  # member table rows
    assert 'id="graph"' in page and "/static/vendor/cytoscape.min.js" in page
    a, b, signal = world["edge"]
    ev = client.get(f"/evidence?a={a}&b={b}&signal={signal}&network=net-1").text
    assert ev.count("مذاکرات هسته") >= 2  # both posts side by side
    assert "posts found by key" in ev
    assert "3 co-actions on 2 keys" in ev  # the edge's counts, not a dict method
    asset = client.get(f"/assets/{a}").text
    assert "1001" in asset and "net-1" in asset
    assert client.get("/networks/missing").status_code == 404
    assert client.get("/api/evidence?a=1&b=999", headers=bearer(world)).status_code == 404


def test_assets_are_found_by_platform_kind_native_id(client, world):
    r = client.get("/api/assets?platform=facebook&kind=page&native_id=1002", headers=bearer(world))
    assert r.status_code == 200
    body = r.json()
    assert (body["platform"], body["kind"], body["native_id"]) == ("facebook", "page", "1002")
    assert body["networks"][0]["network_id"] == "net-1" and body["posts"]
    r = client.get("/api/assets?platform=twitter&kind=page&native_id=1002", headers=bearer(world))
    assert r.status_code == 404


def test_graph_api_gives_positions_for_every_member(client, world):
    g = client.get("/api/graph?network_id=net-1", headers=bearer(world)).json()
    assert len(g["nodes"]) == len(world["net1"])
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in g["nodes"])
    assert {(n["platform"], n["kind"]) for n in g["nodes"]} >= {("twitter", "account")}
    ids = {n["id"] for n in g["nodes"]}
    assert g["edges"] and all(e["source"] in ids and e["target"] in ids for e in g["edges"])
    again = client.get("/api/graph?network_id=net-1", headers=bearer(world)).json()
    assert again["nodes"] == g["nodes"]  # stable drawing


def test_split_and_merge_from_the_browser(client, world):
    csrf = login(client, world)
    moved = world["net1"][:3]
    r = client.post(
        "/decide",
        data={
            "csrf_token": csrf,
            "network_id": "net-1",
            "decision": "split",
            "reason": "three news pages are a separate cluster",
            "members": [str(m) for m in moved],
        },
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert r.status_code == 303
    nets = {n["network_id"]: n for n in client.get("/api/networks").json()["networks"]}
    child = [n for n in nets if n.startswith("net-1.s")]
    assert len(child) == 1 and nets[child[0]]["size"] == 3
    assert nets["net-1"]["size"] == len(world["net1"]) - 3
    assert nets[child[0]]["parent_id"] == "net-1"
    r = client.post(
        "/decide",
        data={
            "csrf_token": csrf,
            "network_id": "net-1",
            "decision": "merge",
            "reason": "same operators",
            "merge_networks": child[0],
        },
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert r.status_code == 303
    nets = {n["network_id"]: n for n in client.get("/api/networks").json()["networks"]}
    assert nets["net-1"]["size"] == len(world["net1"])
    assert nets[child[0]]["status"] == "merged"


def test_workspace_with_no_networks_renders(tmp_path):
    path = tmp_path / "empty"
    Workspace(path).close()
    token = ensure_token(path)
    with TestClient(create_app(path)) as c:
        r = c.get("/api/networks", headers={"Authorization": f"Bearer {token}"})
        assert r.json() == {"total": 0, "offset": 0, "networks": []}


def test_store_lets_go_of_the_database_when_idle(world):
    import subprocess
    import sys
    import time

    from cibwatch.review.db import Store

    store = Store(world["path"], idle_seconds=0.3)
    store.start()
    try:
        with store.cursor() as con:
            assert con.execute("SELECT count(*) FROM networks").fetchall()[0][0] == 2
        assert store.is_open
        deadline = time.monotonic() + 10
        while store.is_open and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not store.is_open
        # Another process (e.g. `cibwatch report`) can now open the workspace for writing.
        code = (
            "import sys; from cibwatch.store import Workspace; "
            "Workspace(sys.argv[1], create=False).close()"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, str(world["path"])], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        with store.cursor() as con:  # and the app reopens it on the next request
            assert con.execute("SELECT count(*) FROM decisions").fetchall()[0][0] == 0
    finally:
        store.close()


def test_report_regenerates_in_the_app_and_is_served_sandboxed(client, world):
    import importlib.util

    csrf = login(client, world)
    r = client.post("/report", data={}, headers={"Origin": ORIGIN}, follow_redirects=False)
    assert r.status_code == 403  # no CSRF token
    if importlib.util.find_spec("cibwatch.report") is None:
        pytest.skip("`cibwatch report` has not landed yet")
    client.post(
        "/decide",
        data={"csrf_token": csrf, "network_id": "net-1", "decision": "takedown", "reason": ""},
        headers={"Origin": ORIGIN},
    )
    r = client.post(
        "/report", data={"csrf_token": csrf}, headers={"Origin": ORIGIN}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/report"
    r = client.get("/report")
    assert r.status_code == 200
    assert r.headers["content-security-policy"].startswith("sandbox;")
    assert "script-src" not in r.headers["content-security-policy"]
    assert "taken down" in r.text.lower()
    assert (world["path"] / "out" / "assets.csv").exists()


@pytest.mark.slow
def test_a_network_of_2000_members_stays_responsive(tmp_path):
    """Generous bounds (the figures are in docs/benchmarks.md): this guards against a page
    that grows with the network (all members rendered, all edges drawn, a quadratic step)."""
    import time

    path = tmp_path / "big"
    build_world(path, members=2000, posts_per_member=3, degree=5)
    token = ensure_token(path)
    h = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(path)) as c:
        for url, limit_s, max_bytes in [
            ("/networks/net-1", 10, 600_000),
            ("/api/graph?network_id=net-1", 15, 2_000_000),
            ("/api/networks/net-1", 10, 400_000),
            ("/networks", 5, 50_000),
        ]:
            t0 = time.perf_counter()
            r = c.get(url, headers=h)
            elapsed = time.perf_counter() - t0
            assert r.status_code == 200
            assert elapsed < limit_s, (url, elapsed)
            assert len(r.content) < max_bytes, (url, len(r.content))
        g = c.get("/api/graph?network_id=net-1", headers=h).json()
        assert len(g["nodes"]) == 2000 and g["edges_drawn"] <= 8000 < g["edges_total"]
