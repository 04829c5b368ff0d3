"""near-duplicate-text vs the QUT coordination-network-toolkit's similar-text, same posts, same window.

Usage:
    .venv/bin/python bench/bench_near_duplicate.py --posts 1000000 [--qut /tmp/qutvenv/bin/compute_networks]
        [--window 60] [--keep DIR] [--skip-qut]

The posts are generated from a fixed seed in the toolkit's CSV format (message_id, user_id,
username, repost_id, reply_id, message, timestamp, urls): organic Persian/English posts over
`--days` days from a Zipf vocabulary, 5% boilerplate greetings, and planted copy-paste groups (5-20
accounts each posting variants of 4 templates within 50 s: emoji added, hashtags reordered,
@mentions changed, punctuation, ZWNJ vs space, Arabic ي/ك). The same file is ingested by
cibwatch (`--format qut-cnt`) and preprocessed by the toolkit; each side's load and compute are
timed separately, in child processes so the peak RSS is each side's own.

Recall counts planted account pairs (two members of one group) that got an edge; "other edges"
are edges touching an organic account. The toolkit (PyPI coordination-network-toolkit 1.5.2)
runs in its own venv:  python3 -m venv /tmp/qutvenv && /tmp/qutvenv/bin/pip install
coordination-network-toolkit==1.5.2 ; with its defaults for similar text (word-set Jaccard
>= 0.8) and --min_edge_weight 1 (so it is not penalised for planted pairs sharing one text).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

T0 = 1_700_000_000

PERSIAN = [
    "ایران",
    "مردم",
    "دولت",
    "امروز",
    "خبر",
    "آزادی",
    "اقتصاد",
    "تورم",
    "قیمت",
    "دلار",
    "نفت",
    "تهران",
    "مشهد",
    "اصفهان",
    "انتخابات",
    "مجلس",
    "رئیس",
    "جمهور",
    "وزیر",
    "کشور",
    "جنگ",
    "صلح",
    "حقیقت",
    "رسانه",
    "تحریم",
    "مذاکره",
    "هسته\u200cای",
    "دانشگاه",
    "دانشجو",
    "کارگر",
    "حقوق",
    "زنان",
    "آینده",
    "جوانان",
    "بازار",
    "سرمایه",
    "مسکن",
    "اجاره",
    "بیکاری",
    "فقر",
    "فساد",
    "عدالت",
    "امنیت",
    "مرز",
    "همسایه",
    "فرهنگ",
    "تاریخ",
    "ملت",
    "شهر",
    "روستا",
    "آب",
    "برق",
    "گاز",
    "بنزین",
    "یارانه",
    "مالیات",
    "بانک",
    "ارز",
    "طلا",
    "سکه",
    "بورس",
]
LATIN = [
    "the",
    "people",
    "government",
    "today",
    "news",
    "freedom",
    "economy",
    "price",
    "oil",
    "election",
    "vote",
    "truth",
    "war",
    "peace",
    "media",
    "sanctions",
    "talks",
    "nuclear",
    "students",
    "workers",
    "rights",
    "women",
    "future",
    "market",
    "housing",
    "rent",
]
GREETINGS = (
    "صبح بخیر دوستان عزیز",
    "جمعه بخیر به همه",
    "شب بخیر و خوب بخوابید",
    "روز مادر مبارک باد به همه مادران",
    "عید نوروز مبارک باد هموطنان عزیز",
    "good morning everyone have a nice day",
    "happy new year to all my friends",
)
EMOJI = ("😀", "🔥", "✌️", "🇮🇷", "❤️", "👇")
TAGS = ("ایران", "آزادی", "مهسا_امینی", "تورم", "انتخابات", "Iran", "news", "اعتراضات", "نه_به_جنگ")


def _vocab(rng: random.Random, size: int) -> list[str]:
    letters = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
    words = list(PERSIAN) + list(LATIN)
    while len(words) < size:
        words.append("".join(rng.choice(letters) for _ in range(rng.randint(3, 8))))
    return words


def variant(text: str, tags: list[str], rng: random.Random) -> str:
    """One copy of a template with two or three cosmetic changes."""
    tags = list(tags)
    ops = rng.sample(["emoji", "tags", "mention", "punct", "zwnj", "arabic"], rng.randint(2, 3))
    if "tags" in ops:
        rng.shuffle(tags)
    if "zwnj" in ops:
        text = text.replace("\u200c", " ") if "\u200c" in text else text.replace("می ", "می\u200c")
    if "arabic" in ops:
        text = text.replace("ی", "ي").replace("ک", "ك")
    if "punct" in ops:
        text = text.replace("،", ",") + rng.choice(("!!", "...", " !", "؟"))
    out = text + " " + " ".join("#" + t for t in tags)
    if "mention" in ops:
        out = f"@user{rng.randint(1, 99999)} " + out
    if "emoji" in ops:
        out = out + " " + "".join(rng.choices(EMOJI, k=rng.randint(1, 3)))
    return out


def generate(path: Path, posts: int, days: float, seed: int = 7) -> dict[str, list[str]]:
    """Write the CSV; return the planted groups {group: [user ids]}."""
    span = int(days * 86400)
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    vocab = _vocab(rng, 20000)
    zipf = nrng.zipf(1.25, size=posts * 20) % len(vocab)
    zi = 0
    groups: dict[str, list[str]] = {}
    rows = []
    # Planted copy-paste groups: about 1.5% of the posts.
    n_groups = max(3, posts // 3300)
    for g in range(n_groups):
        members = [f"g{g}u{m}" for m in range(rng.randint(5, 20))]
        groups[f"g{g}"] = members
        for _t in range(4):
            words = [rng.choice(vocab) for _ in range(rng.randint(10, 22))]
            words.insert(rng.randint(1, 5), "می\u200cخواهیم")
            text = " ".join(words[:6]) + "، " + " ".join(words[6:])
            tags = rng.sample(TAGS, 3)
            start = rng.randint(0, span - 100)
            for u in members:
                rows.append((u, start + rng.randint(0, 50), variant(text, tags, rng)))
    organic_users = max(100, posts // 20)
    n_organic = posts - len(rows)
    users = nrng.zipf(1.5, size=n_organic) % organic_users
    times = nrng.integers(0, span, size=n_organic)
    lengths = nrng.integers(5, 25, size=n_organic)
    for i in range(n_organic):
        r = rng.random()
        if r < 0.05:
            text = rng.choice(GREETINGS)
        else:
            n = int(lengths[i])
            text = " ".join(vocab[j] for j in zipf[zi : zi + n])
            zi = (zi + n) % (len(zipf) - 30)
            if r < 0.3:
                text += " #" + rng.choice(TAGS)
            if r > 0.9:
                text += " " + rng.choice(EMOJI)
        rows.append((f"o{users[i]}", int(times[i]), text))
    rng.shuffle(rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "message_id",
                "user_id",
                "username",
                "repost_id",
                "reply_id",
                "message",
                "timestamp",
                "urls",
            ]
        )
        for i, (u, t, text) in enumerate(rows):
            w.writerow([f"m{i}", u, u, "", "", text, T0 + t, ""])
    return groups


def planted_groups(csv_path: Path) -> dict[str, list[str]]:
    """The planted groups of a generated file, from its user ids (g<group>u<member>)."""
    import duckdb

    rows = duckdb.sql(
        "SELECT DISTINCT user_id FROM read_csv(?, all_varchar = true) WHERE user_id LIKE 'g%'",
        params=[str(csv_path)],
    ).fetchall()
    groups: dict[str, list[str]] = {}
    for (user,) in rows:
        groups.setdefault(user.split("u")[0], []).append(user)
    return groups


def child(code: str) -> tuple[float, int, str]:
    """Run python code in a child process: (seconds, peak RSS bytes, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) * 1024, out.stdout


def run_cibwatch(csv_path: Path, ws: Path, window: float) -> dict:
    load_s, _, _ = child(
        "from cibwatch.store import Workspace; from cibwatch.ingest import ingest_file\n"
        f"ws = Workspace({str(ws)!r}); ingest_file(ws, {str(csv_path)!r}, 'qut-cnt'); ws.close()"
    )
    code = f"""
import json, time, resource
from cibwatch.store import Workspace
from cibwatch.config import parse_config
from cibwatch.signals import run_signals
ws = Workspace({str(ws)!r})
cfg = parse_config({{"signals": {{"near-duplicate-text": {{"window": {window}}}}}}})
t = time.perf_counter()
r0 = resource.getrusage(resource.RUSAGE_SELF)
run_signals(ws, config=cfg, signals="near-duplicate-text")
secs = time.perf_counter() - t
r1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
rows = ws.con.execute(
    "SELECT a.native_id, b.native_id FROM edges e JOIN assets a ON a.asset_id = e.asset_a "
    "JOIN assets b ON b.asset_id = e.asset_b WHERE signal = 'near-duplicate-text'").fetchall()
print(json.dumps({{"seconds": secs, "cpu": cpu, "peak": r1.ru_maxrss * 1024,
                  "pairs": rows}}))
"""
    _, _, out = child(code)
    res = json.loads(out.strip().splitlines()[-1])
    return {
        "load_s": load_s,
        "compute_s": res["seconds"],
        "cpu_s": res["cpu"],
        "peak": res["peak"],
        "pairs": res["pairs"],
    }


def run_qut(csv_path: Path, db: Path, qut: str, window: float) -> dict:
    t = time.perf_counter()
    subprocess.run(
        [qut, str(db), "preprocess", "--format", "csv", str(csv_path)],
        check=True,
        capture_output=True,
    )
    load_s = time.perf_counter() - t
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(
        [
            qut,
            str(db),
            "compute",
            "co_similar_tweet",
            "--time_window",
            str(int(window)),
            "--min_edge_weight",
            "1",
            "--n_cpus",
            "2",
        ],
        check=True,
        capture_output=True,
    )
    compute_s = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    peak = after.ru_maxrss * 1024
    con = sqlite3.connect(db)
    pairs = con.execute("SELECT user_1, user_2 FROM co_similar_tweet_network").fetchall()
    con.close()
    return {
        "load_s": load_s,
        "compute_s": compute_s,
        "cpu_s": cpu_s,
        "peak": peak,
        "pairs": pairs,
    }


def score(pairs: list, groups: dict[str, list[str]]) -> dict:
    found = {tuple(sorted(p)) for p in pairs if p[0] != p[1]}
    member = {u: g for g, us in groups.items() for u in us}
    planted = {tuple(sorted(p)) for us in groups.values() for p in itertools.combinations(us, 2)}
    hit = found & planted
    full_groups = sum(
        all(tuple(sorted(p)) in found for p in itertools.combinations(us, 2))
        for us in groups.values()
    )
    other = [
        p for p in found if p[0] not in member or p[1] not in member or member[p[0]] != member[p[1]]
    ]
    return {
        "planted_pairs": len(planted),
        "pair_recall": round(len(hit) / len(planted), 4),
        "groups_complete": f"{full_groups}/{len(groups)}",
        "other_edges": len(other),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=200_000)
    ap.add_argument("--window", type=float, default=60.0)
    ap.add_argument("--days", type=float, default=7.0, help="time span of the posts")
    ap.add_argument("--qut", default="/tmp/qutvenv/bin/compute_networks")
    ap.add_argument("--skip-qut", action="store_true")
    ap.add_argument("--keep", type=Path, default=None)
    ap.add_argument("--reuse", action="store_true", help="reuse --keep DIR/posts.csv if present")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_nd_"))
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / "posts.csv"
    t = time.perf_counter()
    if args.reuse and csv_path.exists():
        groups = planted_groups(csv_path)
        print(f"reusing {csv_path} with {len(groups)} planted groups")
    else:
        groups = generate(csv_path, args.posts, args.days)
        print(
            f"generated {args.posts} posts, {len(groups)} planted groups "
            f"in {time.perf_counter() - t:.1f} s"
        )
    print(
        "| tool | load s | near-dup s (wall) | near-dup CPU s | peak RSS GB | pair recall "
        "| groups complete | other edges |"
    )
    print("|---|---|---|---|---|---|---|---|", flush=True)
    results = {}

    def row(name: str, r: dict) -> None:
        s = score(r["pairs"], groups)
        print(
            f"| {name} | {r['load_s']:.1f} | {r['compute_s']:.1f} | {r['cpu_s']:.1f} "
            f"| {r['peak'] / 2**30:.2f} | {s['pair_recall']} | {s['groups_complete']} "
            f"| {s['other_edges']} |",
            flush=True,
        )

    results["cibwatch"] = run_cibwatch(csv_path, work / "ws", args.window)
    row("cibwatch", results["cibwatch"])
    if not args.skip_qut:
        results["qut"] = run_qut(csv_path, work / "qut.db", args.qut, args.window)
        row("QUT 1.5.2", results["qut"])
    if "qut" in results:
        print(
            f"speed-up (near-dup compute): wall "
            f"{results['qut']['compute_s'] / results['cibwatch']['compute_s']:.1f}x, CPU "
            f"{results['qut']['cpu_s'] / results['cibwatch']['cpu_s']:.1f}x"
        )


if __name__ == "__main__":
    main()
