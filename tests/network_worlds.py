"""Small worlds for the networks and detect tests: assets, posts and edges written directly.

`World` collects accounts (with creation dates, handles, declared locations) and their posts,
then writes them to a workspace; edges are either hand-made or computed by the real signals.
Everything is generated from a seed, so a test is reproducible and can fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from cibwatch.store import Workspace
from cibwatch.text import normalize

T0 = datetime(2024, 3, 1)
PERSIAN = [
    "ما مردم ایران خواهان آزادی هستیم",
    "گزارش تازه درباره وضعیت اقتصادی کشور منتشر شد",
    "سخنان رئیس جمهور در نشست امروز",
    "اعتراض کارگران در اصفهان ادامه دارد",
    "تحلیل خبرگزاری‌ها از مذاکرات هسته‌ای",
]


@dataclass
class Account:
    native_id: str
    handle: str
    created_at: datetime
    location: str | None = None
    platform: str = "twitter"
    kind: str = "account"


@dataclass
class World:
    """Accounts and posts to write into a workspace (asset ids assigned in `order`)."""

    seed: int = 0
    accounts: list[Account] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)

    def account(self, native_id: str, handle: str, created_at: datetime, **kw: Any) -> str:
        self.accounts.append(Account(native_id, handle, created_at, **kw))
        return native_id

    def post(self, who: str, at: datetime, text: str | None = None, url: str | None = None) -> None:
        self.posts.append({"who": who, "at": at, "text": text, "url": url})

    def edge(self, a: str, b: str, signal: str, weight: float, keys: int, day: int = 0) -> None:
        self.edges.append(
            {"a": a, "b": b, "signal": signal, "weight": weight, "keys": keys, "day": day}
        )

    def organic(self, n: int, prefix: str = "org", posts: int = 30) -> list[str]:
        """Ordinary accounts: old, plain handles, waking-day rhythm in their declared zone."""
        ids = []
        places = [("London", 0), ("Tehran", 3.5), ("Toronto", -5), ("Berlin", 1)]
        for i in range(n):
            place, offset = places[i % len(places)]
            created = T0 - timedelta(days=int(self.rng.integers(800, 4000)))
            nid = self.account(
                f"{prefix}{i}", f"{prefix}_name_{chr(97 + i % 26)}", created, location=place
            )
            for _ in range(posts):
                day = int(self.rng.integers(0, 28))
                local = float(self.rng.uniform(9, 23.5))
                at = T0 + timedelta(days=day, hours=local - offset)
                url = f"https://news{int(self.rng.zipf(1.6)) % 400}.example/a"
                self.post(nid, at, text=f"{self.rng.choice(PERSIAN)} {i} {day}", url=url)
            ids.append(nid)
        return ids

    def write(self, path: Path, order: list[int] | None = None) -> Workspace:
        """Write to a new workspace; `order` permutes which account gets which asset_id."""
        ws = Workspace(path)
        n = len(self.accounts)
        order = list(range(n)) if order is None else order
        asset_of = {self.accounts[j].native_id: k + 1 for k, j in enumerate(order)}
        accs = [self.accounts[j] for j in order]
        ws.con.register(
            "_w_assets",
            pa.table(
                {
                    "asset_id": pa.array([asset_of[a.native_id] for a in accs], pa.int64()),
                    "platform": [a.platform for a in accs],
                    "kind": [a.kind for a in accs],
                    "native_id": [a.native_id for a in accs],
                    "handle": [a.handle for a in accs],
                    "created_at": pa.array([a.created_at for a in accs], pa.timestamp("us")),
                    "declared_location": [a.location for a in accs],
                }
            ),
        )
        ws.con.execute(
            "INSERT INTO assets (asset_id, platform, kind, native_id, handle, created_at, "
            "declared_location) SELECT * FROM _w_assets"
        )
        ps = self.posts
        ws.con.register(
            "_w_posts",
            pa.table(
                {
                    "post_id": pa.array(range(1, len(ps) + 1), pa.int64()),
                    "platform": ["twitter"] * len(ps),
                    "native_id": [f"p{i}" for i in range(1, len(ps) + 1)],
                    "asset_id": pa.array([asset_of[p["who"]] for p in ps], pa.int64()),
                    "created_at": pa.array([p["at"] for p in ps], pa.timestamp("us")),
                    "text": [p["text"] for p in ps],
                    "text_norm": [normalize(p["text"]) if p["text"] else None for p in ps],
                    "client": ["Twitter for Android"] * len(ps),
                }
            ),
        )
        ws.con.execute(
            "INSERT INTO posts (post_id, platform, native_id, asset_id, created_at, text, "
            "text_norm, client) SELECT * FROM _w_posts"
        )
        urls = [(i + 1, p["url"]) for i, p in enumerate(ps) if p["url"]]
        ws.con.register(
            "_w_urls",
            pa.table(
                {
                    "post_id": pa.array([u[0] for u in urls], pa.int64()),
                    "url": [u[1] for u in urls],
                    "url_norm": [u[1] for u in urls],
                    "domain": [u[1].split("/")[2] for u in urls],
                }
            ),
        )
        ws.con.execute("INSERT INTO post_urls SELECT * FROM _w_urls")
        if self.edges:
            rows = []
            for e in self.edges:
                a, b = sorted((asset_of[e["a"]], asset_of[e["b"]]))
                first = T0 + timedelta(days=e["day"])
                rows.append((a, b, e["signal"], e["weight"], e["keys"], e["keys"], first, first))
            rows.sort(key=lambda r: (r[2], r[0] * 7919 % 101, r[1]))  # not in id order
            ws.con.executemany(
                "INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*r, []) for r in rows],
            )
        for name in ("_w_assets", "_w_posts", "_w_urls"):
            ws.con.unregister(name)
        return ws


def clique(world: World, members: list[str], signal: str, weight: float, keys: int) -> None:
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            world.edge(a, b, signal, weight, keys)


def cib_world(seed: int = 7, organic: int = 60) -> World:
    """Ordinary accounts, one inauthentic operation and one authentic activist group.

    - "op0".."op5": created within two days a month before the data, handles name+digits,
      declaring London while posting Tehran office hours (Sat-Thu, 06-12 UTC), copying the
      same Persian text within seconds on twelve different days.
    - "act0".."act5": accounts years old with plain handles, posting an ordinary waking day in
      Toronto, who post one template together once (a tweetstorm).
    Both groups coordinate equally hard on their shared texts; only how they were made and run
    differs.
    """
    w = World(seed=seed)
    w.organic(organic)
    op = [
        w.account(
            f"op{i}",
            f"sara{40101 + 37 * i}",
            T0 - timedelta(days=30, hours=7 * i),
            location="London, UK",
        )
        for i in range(6)
    ]
    act = [
        w.account(
            f"act{i}",
            f"maryam_writer_{chr(97 + i)}",
            T0 - timedelta(days=900 + 410 * i),
            location="Toronto, Ontario",
        )
        for i in range(6)
    ]
    days = [d for d in range(28) if (T0 + timedelta(days=d)).weekday() != 4][:12]  # no Fridays
    for k, day in enumerate(days):
        start = T0 + timedelta(days=day, hours=6 + k % 6)
        text = f"{PERSIAN[k % len(PERSIAN)]} — بیانیه شماره {k} #ایران"
        for j, who in enumerate(op):
            w.post(who, start + timedelta(seconds=5 * j + int(w.rng.integers(0, 4))), text=text)
    for who in op:  # filler, also in office hours
        for _ in range(20):
            day = int(w.rng.choice(days))
            w.post(
                who,
                T0 + timedelta(days=day, hours=float(w.rng.uniform(5.5, 13.5))),
                text=f"{w.rng.choice(PERSIAN)} {who} {day}",
            )
    storm = T0 + timedelta(days=9, hours=23)  # 18:00 in Toronto
    for j, who in enumerate(act):
        w.post(
            who,
            storm + timedelta(seconds=8 * j),
            text="آزادی زندانیان سیاسی را می‌خواهیم #آزادی_زندانیان_سیاسی",
        )
        w.post(
            who,
            storm + timedelta(minutes=30, seconds=8 * j),
            text="همه با هم برای آزادی زندانیان سیاسی #آزادی_زندانیان_سیاسی",
        )
        w.post(
            who,
            storm + timedelta(minutes=60, seconds=8 * j),
            text="صدای زندانیان سیاسی باشیم #آزادی_زندانیان_سیاسی #ایران",
        )
        for k in range(4):
            w.post(
                who,
                storm + timedelta(minutes=90 + 15 * k, seconds=8 * j),
                text=f"زندانی سیاسی آزاد باید گردد، پیام شماره {k} #آزادی_زندانیان_سیاسی",
            )
        for _ in range(40):
            day = int(w.rng.integers(0, 28))
            local = float(w.rng.uniform(9, 23.5))
            w.post(
                who,
                T0 + timedelta(days=day, hours=local + 5),
                text=f"{w.rng.choice(PERSIAN)} {who} {day} {local:.2f}",
            )
    return w
