"""Writers: the world as real exports look, one writer per source format.

twitter-io tweets and users CSVs (31 and 10 columns, hashed small-account ids, minute times,
Python-style list fields, 'absent' coordinates, float counts), CrowdTangle CSVs (Facebook
Pages in the current and the legacy layout, Facebook Groups, Instagram), Telegram Desktop
result.json (a full-account export and a single-channel export) and articles JSONL.
Each writer returns the asset indices it wrote, so truth.csv names exactly what is on disk.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cibwatch.synth.ids import shortcodes, tweet_ids
from cibwatch.synth.world import HOUR, cat, const, num, when

EDT = -4  # CrowdTangle exports carry the dashboard's zone; ours is US Eastern (EDT in September)
EXPORTER_OFFSET = 3.5  # Telegram Desktop writes `date` in the exporting machine's local time

TWEET_COLUMNS = (
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
    "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
    "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions",
    "poll_choices",
)  # fmt: skip
USER_COLUMNS = TWEET_COLUMNS[1:11]

CT_PAGES = (
    "Page Name", "User Name", "Facebook Id", "Page Category", "Page Admin Top Country",
    "Page Description", "Page Created", "Likes at Posting", "Followers at Posting", "Post Created",
    "Post Created Date", "Post Created Time", "Type", "Total Interactions", "Likes", "Comments",
    "Shares", "Love", "Wow", "Haha", "Sad", "Angry", "Care", "Video Share Status",
    "Is Video Owner?", "Post Views", "Total Views", "Total Views For All Crossposts",
    "Video Length", "URL", "Message", "Link", "Final Link", "Image Text", "Link Text",
    "Description", "Sponsor Id", "Sponsor Name", "Sponsor Category",
    "Overperforming Score (weighted  —  Likes 1x Shares 1x Comments 1x Love 1x Wow 1x Haha 1x Sad 1x Angry 1x Care 1x )",
)  # fmt: skip
CT_PAGES_LEGACY = (
    "Page Name", "User Name", "Facebook Id", "Likes at Posting", "Created", "Type", "Likes",
    "Comments", "Shares", "Love", "Wow", "Haha", "Sad", "Angry", "Video Share Status",
    "Post Views", "Total Views", "Total Views For All Crossposts", "Video Length", "URL",
    "Message", "Link", "Final Link", "Image Text", "Link Text", "Description", "Sponsor Id",
    "Sponsor Name", "Total Interactions", "Overperforming Score",
)  # fmt: skip
CT_GROUPS = (
    "Group Name", "User Name", "Group Id", "Poster Id", "Poster Name", "Likes at Posting",
    "Post Created", "Post Created Date", "Post Created Time", "Type", "Total Interactions",
    "Likes", "Comments", "Shares", "Love", "Wow", "Haha", "Sad", "Angry", "Care",
    "Video Share Status", "Post Views", "Total Views", "Video Length", "URL", "Message", "Link",
    "Final Link", "Image Text", "Link Text", "Description", "Sponsor Id", "Sponsor Name",
    "Overperforming Score",
)  # fmt: skip
CT_INSTAGRAM = (
    "Account", "User Name", "Followers at Posting", "Post Created", "Post Created Date",
    "Post Created Time", "Type", "Total Interactions", "Likes", "Comments", "Views", "URL", "Link",
    "Photo", "Title", "Description", "Image Text", "Sponsor Id", "Sponsor Name",
    "Overperforming Score",
)  # fmt: skip


def _ts(t: np.ndarray, offset_hours: float = 0.0) -> pa.Array:
    return pa.array(t + int(offset_hours * HOUR), pa.timestamp("s"))


def fmt_time(t: np.ndarray, fmt: str, offset_hours: float = 0.0) -> pa.Array:
    return pc.strftime(_ts(t, offset_hours), format=fmt)


def _float(x: np.ndarray) -> pa.Array:
    return cat(num(x), ".0")


def _write_csv(path: Path, columns: tuple[str, ...], data: dict[str, pa.Array]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table({c: data[c] for c in columns})
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))


def _pylist(values: pa.Array, quoted: bool) -> pa.Array:
    """A list column as "['a', 'b']" (quoted) or "[a, b]"; empty lists as "[]"."""
    sep = "', '" if quoted else ", "
    joined = pc.binary_join(values, sep)
    n = pc.list_value_length(values)
    wrapped = cat("['", joined, "']") if quoted else cat("[", joined, "]")
    return pc.if_else(pc.greater(n, 0), wrapped, "[]")


def _engagement(rng: np.random.Generator, followers: np.ndarray, scale: float) -> np.ndarray:
    lam = np.sqrt(followers + 1.0) * scale * rng.lognormal(0, 1.0, len(followers))
    return rng.poisson(np.minimum(lam, 1e6))


class Frame:
    """Assets and posts as flat numpy/Arrow columns plus the native ids every writer needs."""

    def __init__(
        self, seed: int, assets: dict, posts: dict, nid: np.ndarray, titles: dict[str, str]
    ):
        self.seed = seed
        self.titles = titles  # article URL -> title (CrowdTangle shows link titles)
        self.a = assets
        self.p = posts
        self.nid = nid
        self.platform = np.array(assets["platform"].to_pylist(), dtype=object)
        self.kind = np.array(assets["kind"].to_pylist(), dtype=object)
        self.pid = np.arange(len(posts["aid"]))
        self.tweetid = tweet_ids(posts["t"], self.pid, seed)

    def asset_col(self, name: str, aids: np.ndarray) -> pa.Array:
        return self.a[name].take(pa.array(aids))

    def nid_col(self, aids: np.ndarray) -> pa.Array:
        return pa.array(self.nid[aids].tolist(), pa.string())


def _tco(urls: pa.Array, seed: int) -> pa.Array:
    """A t.co short link per distinct URL (tweets show these; `urls` has the expansions)."""
    enc = pc.dictionary_encode(urls)
    rng = np.random.default_rng([seed, 17])
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
    k = len(enc.dictionary)
    codes = ["https://t.co/" + "".join(r) for r in alphabet[rng.integers(0, 62, (k, 10))].tolist()]
    return pa.array(codes, pa.string()).take(enc.indices)


def twitter_io(f: Frame, out: Path) -> np.ndarray:
    """The tweets file and the users file of a twitter-io release."""
    rng = np.random.default_rng([f.seed, 19])
    tw_assets = np.flatnonzero(f.platform == "twitter")
    p = f.p
    sel = np.flatnonzero(f.platform[p["aid"]] == "twitter")
    sel = sel[np.lexsort((f.tweetid[sel], p["t"][sel]))]
    aid = p["aid"][sel]
    shared = p["shared"][sel]
    is_rt = shared >= 0
    orig = np.where(is_rt, shared, sel)
    ia = pa.array(orig)
    handle = f.a["handle"]
    text0 = p["text"].take(ia)
    url0 = p["url"].take(ia)
    tags0 = p["tags"].take(ia)
    has_url = pc.greater(pc.utf8_length(url0), 0)
    shown = pc.if_else(has_url, cat(text0, " ", _tco(url0, f.seed)), text0)
    rt_text = cat("RT @", handle.take(pa.array(p["aid"][orig])), ": ", shown)
    text = when(is_rt, rt_text, shown)
    # Mentions are written as account ids; a retweet mentions the retweeted account first.
    ments = p["mentions"].take(ia)
    by_handle = {
        h.lower(): f.nid[a]
        for a, h in zip(
            tw_assets.tolist(), handle.take(pa.array(tw_assets)).to_pylist(), strict=True
        )
    }
    flat = pc.list_flatten(ments).to_pylist()
    ids = pa.array([by_handle.get(h.lower(), h) for h in flat], pa.string())
    lengths = pc.list_value_length(ments).to_numpy(zero_copy_only=False)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    ment_ids = pa.ListArray.from_arrays(pa.array(offsets), ids)
    rt_uid = f.nid_col(p["aid"][orig])
    ment_txt = _pylist(ment_ids, quoted=False)
    rt_ment = pc.if_else(
        pc.greater(pc.list_value_length(ment_ids), 0),
        cat("[", rt_uid, ", ", pc.binary_join(ment_ids, ", "), "]"),
        cat("[", rt_uid, "]"),
    )
    reply = p["reply"][sel]
    quoted = p["quoted"][sel]
    has_reply = reply >= 0
    rsafe = np.where(has_reply, reply, 0)
    followers = f.a["followers"][aid]
    likes = np.where(is_rt, 0, _engagement(rng, followers, 0.05))
    zero = np.zeros(len(sel), dtype=np.int64)
    lang = p["lang"].take(ia)
    data = {
        "tweetid": num(f.tweetid[sel]),
        "userid": f.nid_col(aid),
        "user_display_name": f.asset_col("display_name", aid),
        "user_screen_name": f.asset_col("handle", aid),
        "user_reported_location": f.asset_col("location", aid),
        "user_profile_description": f.asset_col("bio", aid),
        "user_profile_url": const("", len(sel)),
        "follower_count": num(followers),
        "following_count": num(f.a["following"][aid]),
        "account_creation_date": fmt_time(f.a["created"][aid], "%Y-%m-%d"),
        "account_language": f.asset_col("lang", aid),
        "tweet_language": pc.if_else(pc.equal(lang, ""), "und", lang),
        "tweet_text": text,
        "tweet_time": fmt_time(p["t"][sel], "%Y-%m-%d %H:%M"),
        "tweet_client_name": p["client"].take(pa.array(sel)),
        "in_reply_to_userid": when(has_reply, f.nid_col(p["aid"][rsafe]), ""),
        "in_reply_to_tweetid": when(has_reply, num(f.tweetid[rsafe]), ""),
        "quoted_tweet_tweetid": when(quoted >= 0, num(f.tweetid[np.maximum(quoted, 0)]), ""),
        "is_retweet": when(is_rt, "True", "False"),
        "retweet_userid": when(is_rt, rt_uid, ""),
        "retweet_tweetid": when(is_rt, num(f.tweetid[orig]), ""),
        "latitude": const("absent", len(sel)),
        "longitude": const("absent", len(sel)),
        "quote_count": _float(np.where(is_rt, 0, rng.poisson(0.05, len(sel)))),
        "reply_count": _float(np.where(is_rt, 0, rng.poisson(0.3, len(sel)))),
        "like_count": _float(likes),
        "retweet_count": _float(np.where(is_rt, zero, likes // 4)),
        "hashtags": _pylist(tags0, quoted=True),
        "urls": pc.if_else(has_url, cat("['", url0, "']"), "[]"),
        "user_mentions": when(is_rt, rt_ment, ment_txt),
        "poll_choices": const("", len(sel)),
    }
    folder = out / "twitter"
    _write_csv(folder / "synth_2021_09_tweets_csv_hashed.csv", TWEET_COLUMNS, data)
    users = {
        "userid": f.nid_col(tw_assets),
        "user_display_name": f.asset_col("display_name", tw_assets),
        "user_screen_name": f.asset_col("handle", tw_assets),
        "user_reported_location": f.asset_col("location", tw_assets),
        "user_profile_description": f.asset_col("bio", tw_assets),
        "user_profile_url": const("", len(tw_assets)),
        "follower_count": num(f.a["followers"][tw_assets]),
        "following_count": num(f.a["following"][tw_assets]),
        "account_creation_date": fmt_time(f.a["created"][tw_assets], "%Y-%m-%d"),
        "account_language": f.asset_col("lang", tw_assets),
    }
    _write_csv(folder / "synth_2021_09_users_csv_hashed.csv", USER_COLUMNS, users)
    return tw_assets


def _fb_common(
    f: Frame, sel: np.ndarray, rng: np.random.Generator, offset: float, suffix: str
) -> dict:
    p = f.p
    n = len(sel)
    url = p["url"].take(pa.array(sel))
    link = (
        np.array(pc.greater(pc.utf8_length(url), 0).to_pylist(), dtype=bool)
        if n
        else np.zeros(0, bool)
    )
    followers = f.a["followers"][p["aid"][sel]]
    likes = _engagement(rng, followers, 0.02)
    created = fmt_time(p["t"][sel], "%Y-%m-%d %H:%M:%S", offset)
    final = pc.replace_substring_regex(url, r"\?utm_[^#]*$", "")
    enc = pc.dictionary_encode(final)
    titles = pa.array([f.titles.get(u, "") for u in enc.dictionary.to_pylist()], pa.string()).take(
        enc.indices
    )
    return {
        "Post Created": cat(created, suffix),
        "Created": cat(created, suffix),
        "Post Created Date": fmt_time(p["t"][sel], "%Y-%m-%d", offset),
        "Post Created Time": fmt_time(p["t"][sel], "%H:%M:%S", offset),
        "Type": when(link, "Link", pc.if_else(pa.array(rng.random(n) < 0.6), "Photo", "Status")),
        "Likes": num(likes),
        "Comments": num(rng.poisson(likes * 0.2 + 0.1)),
        "Shares": num(rng.poisson(likes * 0.1 + 0.1)),
        "Love": num(rng.poisson(likes * 0.1)),
        "Wow": num(rng.poisson(likes * 0.01)),
        "Haha": num(rng.poisson(likes * 0.02)),
        "Sad": num(rng.poisson(likes * 0.01)),
        "Angry": num(rng.poisson(likes * 0.03)),
        "Care": num(rng.poisson(likes * 0.01)),
        "Total Interactions": num(likes + 1),
        "Video Share Status": const("", n),
        "Is Video Owner?": const("-", n),
        "Post Views": num(np.zeros(n, np.int64)),
        "Total Views": num(np.zeros(n, np.int64)),
        "Total Views For All Crossposts": num(np.zeros(n, np.int64)),
        "Video Length": const("", n),
        "Message": p["text"].take(pa.array(sel)),
        "Link": url,
        "Final Link": final,
        "Image Text": const("", n),
        "Link Text": titles,
        "Description": titles,
        "Sponsor Id": const("", n),
        "Sponsor Name": const("", n),
        "Sponsor Category": const("", n),
        "Overperforming Score": const("1.00", n),
        CT_PAGES[-1]: const("1.00", n),
    }


def crowdtangle(f: Frame, out: Path) -> np.ndarray:
    """Facebook Pages (current and legacy layouts), Facebook Groups and Instagram CSVs."""
    rng = np.random.default_rng([f.seed, 23])
    p = f.p
    folder = out / "crowdtangle"
    written: list[np.ndarray] = []
    post_num = 1_000_000_000_000_000 + f.pid * 101 + 7
    pp = f.platform[p["aid"]]
    pk = f.kind[p["aid"]]
    page_posts = np.flatnonzero((pp == "facebook") & (pk == "page"))
    page_posts = page_posts[np.argsort(p["t"][page_posts], kind="stable")]
    legacy = (p["aid"][page_posts] % 4) == 0
    for sel, columns, name, offset, suffix in (
        (
            page_posts[~legacy],
            CT_PAGES,
            "2021-10-01-12-00-00-EDT-Historical-Report-pages.csv",
            EDT,
            " EDT",
        ),
        (page_posts[legacy], CT_PAGES_LEGACY, "2021-10-01-legacy-export-pages.csv", 0, " UTC"),
    ):
        aid = p["aid"][sel]
        d = _fb_common(f, sel, rng, offset, suffix)
        fid = f.nid_col(aid)
        d.update(
            {
                "Page Name": f.asset_col("display_name", aid),
                "User Name": f.asset_col("handle", aid),
                "Facebook Id": fid,
                "Page Category": const("MEDIA_NEWS_COMPANY", len(sel)),
                "Page Admin Top Country": const("", len(sel)),
                "Page Description": f.asset_col("bio", aid),
                "Page Created": fmt_time(f.a["created"][aid], "%Y-%m-%d %H:%M:%S"),
                "Likes at Posting": num(f.a["followers"][aid]),
                "Followers at Posting": num(f.a["followers"][aid]),
                "URL": cat("https://www.facebook.com/", fid, "/posts/", num(post_num[sel])),
            }
        )
        _write_csv(folder / name, columns, d)
        written.append(aid)
    group_posts = np.flatnonzero((p["venue"] >= 0) & (f.kind[np.maximum(p["venue"], 0)] == "group"))
    group_posts = group_posts[np.argsort(p["t"][group_posts], kind="stable")]
    venue = p["venue"][group_posts]
    poster = p["aid"][group_posts]
    d = _fb_common(f, group_posts, rng, EDT, " EDT")
    gid = f.nid_col(venue)
    d.update(
        {
            "Group Name": f.asset_col("display_name", venue),
            "User Name": const("", len(group_posts)),
            "Group Id": gid,
            "Poster Id": f.nid_col(poster),
            "Poster Name": f.asset_col("display_name", poster),
            "Likes at Posting": num(f.a["followers"][venue]),
            "URL": cat(
                "https://www.facebook.com/groups/",
                gid,
                "/permalink/",
                num(post_num[group_posts]),
                "/",
            ),
        }
    )
    _write_csv(folder / "2021-10-01-12-05-00-EDT-Historical-Report-groups.csv", CT_GROUPS, d)
    written += [venue, poster]
    ig_posts = np.flatnonzero(pp == "instagram")
    ig_posts = ig_posts[np.argsort(p["t"][ig_posts], kind="stable")]
    aid = p["aid"][ig_posts]
    n = len(ig_posts)
    likes = _engagement(rng, f.a["followers"][aid], 0.2)
    codes = pa.array(shortcodes(ig_posts, f.seed), pa.string())
    post_url = cat("https://www.instagram.com/p/", codes, "/")
    d = {
        "Account": f.asset_col("display_name", aid),
        "User Name": f.asset_col("handle", aid),
        "Followers at Posting": num(f.a["followers"][aid]),
        "Post Created": cat(fmt_time(p["t"][ig_posts], "%Y-%m-%d %H:%M:%S", EDT), " EDT"),
        "Post Created Date": fmt_time(p["t"][ig_posts], "%Y-%m-%d", EDT),
        "Post Created Time": fmt_time(p["t"][ig_posts], "%H:%M:%S", EDT),
        "Type": pc.choose(
            pa.array(rng.choice(3, n, p=[0.7, 0.2, 0.1]).astype(np.int8)),
            const("Photo", n),
            const("Album", n),
            const("Video", n),
        ),
        "Total Interactions": num(likes + 1),
        "Likes": num(likes),
        "Comments": num(rng.poisson(likes * 0.05)),
        "Views": num(np.zeros(n, np.int64)),
        "URL": post_url,
        "Link": post_url,
        "Photo": cat("https://scontent.cdninstagram.com/v/", codes, ".jpg"),
        "Title": const("", n),
        "Description": p["text"].take(pa.array(ig_posts)),
        "Image Text": const("", n),
        "Sponsor Id": const("", n),
        "Sponsor Name": const("", n),
        "Overperforming Score": const("1.00", n),
    }
    _write_csv(folder / "2021-10-01-12-10-00-EDT-Historical-Report-instagram.csv", CT_INSTAGRAM, d)
    written.append(aid)
    return np.unique(np.concatenate(written))


_TOKEN = re.compile(r"(#[^\s#]+|https?://\S+)")


def _tg_text(text: str, url: str) -> tuple[str | list, list[dict]]:
    """Telegram's two renderings: `text` (string or mixed list) and `text_entities`."""
    full = f"{text}\n{url}" if url and text else (url or text)
    parts = [x for x in _TOKEN.split(full) if x]
    entities = []
    for part in parts:
        if part.startswith("#"):
            entities.append({"type": "hashtag", "text": part})
        elif part.startswith("http"):
            entities.append({"type": "link", "text": part})
        else:
            entities.append({"type": "plain", "text": part})
    if all(e["type"] == "plain" for e in entities):
        return full, [{"type": "plain", "text": full}] if full else []
    mixed: list = [
        e["text"] if e["type"] == "plain" else {"type": e["type"], "text": e["text"]}
        for e in entities
    ]
    return mixed, entities


def telegram(f: Frame, out: Path) -> np.ndarray:
    """A full-account export holding most channels, and one single-channel export."""
    p = f.p
    channels = np.flatnonzero(f.platform == "telegram")
    sel = np.flatnonzero(f.platform[p["aid"]] == "telegram")
    sel = sel[np.lexsort((sel, p["t"][sel]))]
    names = f.a["display_name"].to_pylist()
    src = p["shared"][sel]
    orig = pa.array(np.where(src >= 0, src, sel))
    texts = p["text"].take(orig).to_pylist()
    urls = p["url"].take(orig).to_pylist()
    chats: dict[int, list] = {int(c): [] for c in channels.tolist()}
    local = fmt_time(p["t"][sel], "%Y-%m-%dT%H:%M:%S", EXPORTER_OFFSET).to_pylist()
    for j, i in enumerate(sel.tolist()):
        a = int(p["aid"][i])
        text, entities = _tg_text(texts[j], urls[j])
        mid = len(chats[a]) + 1
        m = {
            "id": mid,
            "type": "message",
            "date": local[j],
            "date_unixtime": str(int(p["t"][i])),
            "from": names[a],
            "from_id": f"channel{f.nid[a]}",
        }
        if src[j] >= 0:
            m["forwarded_from"] = names[int(p["aid"][src[j]])]
        m["text"] = text
        m["text_entities"] = entities
        chats[a].append(m)
    written = [c for c in chats if chats[c]]
    objs = [
        {"name": names[c], "type": "public_channel", "id": int(f.nid[c]), "messages": chats[c]}
        for c in written
    ]
    folder = out / "telegram"
    if objs:
        single, rest = objs[0], objs[1:]
        (folder / "ChatExport_2021-10-01").mkdir(parents=True, exist_ok=True)
        (folder / "ChatExport_2021-10-01" / "result.json").write_text(
            json.dumps(single, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        full = {
            "about": "Here is the data you requested. Remember: Telegram is ad free, it doesn't collect your data.",
            "chats": {"about": "This page lists all chats from this export.", "list": rest},
        }
        (folder / "DataExport_2021-10-01").mkdir(parents=True, exist_ok=True)
        (folder / "DataExport_2021-10-01" / "result.json").write_text(
            json.dumps(full, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return np.array(written, dtype=np.int64)


def articles(world_articles: dict, out: Path) -> None:
    """articles/articles.jsonl: one article per line, published_at in ISO 8601 UTC."""
    a = world_articles
    folder = out / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    published = fmt_time(a["t"], "%Y-%m-%dT%H:%M:%SZ").to_pylist()
    with (folder / "articles.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(len(a["id"])):
            row = {
                "id": a["id"][i],
                "outlet": a["outlet"][i],
                "domain": a["domain"][i],
                "url": a["url"][i],
                "author": a["author"][i],
                "published_at": published[i],
                "title": a["title"][i],
                "text": a["text"][i],
                "links": a["links"][i],
                "lang": a["lang"][i],
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
