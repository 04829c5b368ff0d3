"""Hand-made networks for the review app's tests: assets, posts, edges and networks written directly.

`build_world(path, members=n, text=...)` makes one suspect network `net-1` of n assets across
platforms that posted the same Persian text and the same URL seconds apart (co-link and
identical-text edges with evidence), a small authentic network `net-2`, and one asset outside
both. Pass hostile strings as `text`/`name`/`network_id`... to put them in every field.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from cibwatch.store import Workspace
from cibwatch.text import normalize, normalize_arrow

T0 = datetime(2024, 3, 1, 9, 0, 0)
URL = "https://www.tasnimnews.com/fa/news/1402/12/10/3000000"
URL_NORM = "tasnimnews.com/fa/news/1402/12/10/3000000"
TEXT = "مذاکرات هسته‌ای امروز در وین ادامه دارد؛ غرب باید پاسخ بدهد #ایران"
PLATFORM_CYCLE = [
    ("twitter", "account"),
    ("facebook", "page"),
    ("instagram", "account"),
    ("telegram", "channel"),
    ("facebook", "account"),
]
# Strings an operation could write into any field: markup, handlers, URLs, direction
# overrides, SQL, template syntax, and a very long text.
RLO = "\u202e"
HOSTILE = (
    "<script>window.__xss=1</script>"
    '"><img src=x onerror="window.__xss=2"><svg onload=alert(3)>'
    "' onmouseover='alert(4)' "
    f"{RLO}gnp.exe{RLO} "
    "'; DROP TABLE decisions; -- \" OR 1=1 --"
    " {{7*7}} {% if 1 %}x{% endif %} "
    "</textarea></title><style>body{display:none}</style>"
    "کاربر ناشناس"
)
HOSTILE_ACTOR = f"<img src=x onerror=alert(1)>{RLO}'; DROP TABLE decisions;--"
HOSTILE_URL = "javascript:window.__xss=5//" + HOSTILE
HUGE = "ش" * 60_000 + HOSTILE
HOSTILE_ID = "<b>net</b>/../'1 OR 1=1;--" + RLO
SIGNALS = ["co-link", "identical-text", "co-share", "hashtag-sequence"]


def _insert(ws: Workspace, table: str, columns: dict[str, list[Any]]) -> None:
    name = f"_rw_{table}"
    ws.con.register(name, pa.table(columns))
    cols = ", ".join(columns)
    # table and column names are ours (literals above), never data
    ws.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}")
    ws.con.unregister(name)


def build_world(
    path: Path,
    *,
    members: int = 12,
    posts_per_member: int = 4,
    degree: int = 2,
    text: str = TEXT,
    name: str = "کاربر",
    network_id: str = "net-1",
    tier: str = "high",
    role: str = "amplifier",
    url: str = URL,
    extra_key: str | None = None,
) -> dict[str, Any]:
    """Write the world into a new workspace at `path`; return the ids tests need."""
    ws = Workspace(path)
    n = members + 3 + 1  # net-1, net-2 (3 assets), one outsider
    ids = list(range(1, n + 1))
    plat = [PLATFORM_CYCLE[i % len(PLATFORM_CYCLE)] for i in range(n)]
    _insert(
        ws,
        "assets",
        {
            "asset_id": pa.array(ids, pa.int64()),
            "platform": [p for p, _ in plat],
            "kind": [k for _, k in plat],
            "native_id": [f"{1000 + i}" for i in ids],
            "handle": [f"user_{i}" if i % 3 else f"{name}_{i}" for i in ids],
            "display_name": [f"{name} {i}" for i in ids],
            "created_at": [T0 - timedelta(days=30 - (i % 3)) for i in ids],
            "bio": [f"{name} — خبرنگار آزاد" for _ in ids],
            "declared_location": ["Tehran, Iran" if i % 2 else name for i in ids],
            "followers": pa.array([10 * i for i in ids], pa.int64()),
            "following": pa.array([5 * i for i in ids], pa.int64()),
            "lang": ["fa"] * n,
            "url": [url] * n,
        },
    )
    post_rows: dict[str, list[Any]] = {
        k: []
        for k in ("post_id", "platform", "native_id", "asset_id", "created_at", "text", "text_norm")
    }
    url_rows: dict[str, list[Any]] = {"post_id": [], "url": [], "url_norm": [], "domain": []}
    pid = 0
    for i in ids:
        for k in range(posts_per_member):
            pid += 1
            body = text if k == 0 else f"{name} پست شماره {k}"
            post_rows["post_id"].append(pid)
            post_rows["platform"].append(plat[i - 1][0])
            post_rows["native_id"].append(f"p{pid}")
            post_rows["asset_id"].append(i)
            # post 0 of every asset: the coordinated one, i seconds apart
            post_rows["created_at"].append(
                T0 + timedelta(seconds=i) if k == 0 else T0 + timedelta(days=k, hours=i % 24)
            )
            post_rows["text"].append(body)
            if k == 0:
                url_rows["post_id"].append(pid)
                url_rows["url"].append(url)
                url_rows["url_norm"].append(URL_NORM)
                url_rows["domain"].append("tasnimnews.com")
    post_rows["text_norm"] = normalize_arrow(pa.array(post_rows["text"], pa.string()))
    text_key = normalize(text)[:200]
    _insert(
        ws,
        "posts",
        {
            **post_rows,
            "post_id": pa.array(post_rows["post_id"], pa.int64()),
            "asset_id": pa.array(post_rows["asset_id"], pa.int64()),
        },
    )
    _insert(ws, "post_urls", {**url_rows, "post_id": pa.array(url_rows["post_id"], pa.int64())})

    net1 = ids[:members]
    net2 = ids[members : members + 3]
    edge_rows: dict[str, list[Any]] = {
        k: []
        for k in (
            "asset_a",
            "asset_b",
            "signal",
            "weight",
            "events",
            "keys",
            "first_at",
            "last_at",
            "examples",
        )
    }
    for group, strength in ((net1, 1.0), (net2, 0.3)):
        for x, a in enumerate(group):
            for step in range(1, degree + 1):
                if x + step >= len(group):
                    break
                b = group[x + step]
                signal = SIGNALS[(x + step) % 2] if extra_key is None else SIGNALS[0]
                key = URL_NORM if signal == "co-link" else text_key
                examples = [{"key": key, "at": T0 + timedelta(seconds=a)}]
                if extra_key is not None:
                    examples.append({"key": extra_key, "at": datetime(2024, 3, 1, 9, 0, 0)})
                edge_rows["asset_a"].append(a)
                edge_rows["asset_b"].append(b)
                edge_rows["signal"].append(signal)
                edge_rows["weight"].append(strength * (1 + (a % 5)))
                edge_rows["events"].append(3)
                edge_rows["keys"].append(2)
                edge_rows["first_at"].append(T0 + timedelta(seconds=a))
                edge_rows["last_at"].append(T0 + timedelta(seconds=b))
                edge_rows["examples"].append(examples)
    _insert(
        ws,
        "edges",
        {
            **edge_rows,
            "asset_a": pa.array(edge_rows["asset_a"], pa.int64()),
            "asset_b": pa.array(edge_rows["asset_b"], pa.int64()),
            "events": pa.array(edge_rows["events"], pa.int64()),
            "keys": pa.array(edge_rows["keys"], pa.int64()),
        },
    )
    indicators = {
        "creation_burst": {"value": 0.8, "note": name},
        "near_duplicate_share": 0.9,
        name: [text, url],
    }
    _insert(
        ws,
        "networks",
        {
            "network_id": [network_id, "net-2"],
            "score": [0.91, 0.2],
            "tier": [tier, "low"],
            "suspected": [True, False],
            "size": pa.array([len(net1), len(net2)], pa.int32()),
            "signals": [
                json.dumps({"co-link": 0.6, "identical-text": 0.4}),
                json.dumps({"co-link": 1.0}),
            ],
            "indicators": [
                json.dumps(indicators, ensure_ascii=False),
                json.dumps({"persistence_days": 1}),
            ],
        },
    )
    _insert(
        ws,
        "network_members",
        {
            "network_id": [network_id] * len(net1) + ["net-2"] * len(net2),
            "asset_id": pa.array(net1 + net2, pa.int64()),
            "role": [role] * len(net1) + ["member"] * len(net2),
        },
    )
    ws.close()
    first_edge = (net1[0], net1[1], SIGNALS[1] if extra_key is None else SIGNALS[0])
    return {
        "network_id": network_id,
        "net1": net1,
        "net2": net2,
        "outsider": ids[-1],
        "edge": first_edge,
    }


def build_hostile_world(path: Path, members: int = 6) -> dict[str, Any]:
    """The same world with hostile strings in every field an operation controls."""
    return build_world(
        path,
        members=members,
        text=HUGE,
        name=HOSTILE,
        network_id=HOSTILE_ID,
        tier=HOSTILE,
        role=HOSTILE,
        url=HOSTILE_URL,
        extra_key=HOSTILE,
    )
