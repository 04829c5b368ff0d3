"""Tactics: what each network did, mapped to DISARM techniques and Meta's Online Operations Kill Chain.

Each rule reads evidence that is already in the characterization (or a signal or indicator that
fired in detection) and, when it holds, names the kill-chain procedure and the DISARM
techniques it corresponds to, with the evidence in words. A rule that does not fire says
nothing: absence of evidence is not reported as absence of a tactic.

DISARM: the technique ids and names below are a subset of the DISARM Framework
(https://github.com/DISARMFoundation/DISARMframeworks, generated_files/DISARM_STIX/DISARM.json),
(c) DISARM Foundation, licensed CC BY-SA 4.0; reports that show them carry that attribution.
Kill chain: procedure names from Meta's Online Operations Kill Chain TTP list
(https://github.com/facebook/threat-research, Online_Operations_Killchain-TTPs.csv, MIT licence).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cibwatch.characterize.context import Context

DISARM_ATTRIBUTION = (
    "Techniques from the DISARM Framework (DISARM Foundation), licensed CC BY-SA 4.0: "
    "https://github.com/DISARMFoundation/DISARMframeworks"
)
KILLCHAIN_ATTRIBUTION = (
    "Meta's Online Operations Kill Chain TTPs (github.com/facebook/threat-research, MIT licence)"
)

DISARM: dict[str, str] = {
    "T0015": "Create Hashtags and Search Artefacts",
    "T0049": "Flood Information Space",
    "T0049.002": "Flood Existing Hashtag",
    "T0049.003": "Bots Amplify via Automated Forwarding and Reposting",
    "T0049.005": "Conduct Swarming",
    "T0084.001": "Use Copypasta",
    "T0097.101": "Local Persona",
    "T0101": "Create Localised Content",
    "T0118": "Amplify Existing Narrative",
    "T0119.001": "Post across Groups",
    "T0119.002": "Post across Platform",
    "T0143.002": "Fabricated Persona",
    "T0146.007": "Automated Account Asset",
    "T0149.001": "Domain Asset",
    "T0150.001": "Newly Created Asset",
    "T0150.008": "Bulk Created Asset",
}

# (tactic, technique, procedure) as written in Meta's TTP list.
KC = {
    "accounts": ("0. Acquiring assets", "0.9 Acquiring social media accounts", ""),
    "shift": ("3. Coordinating and planning", "3.1 Coordinating shift patterns",
              "3.1.1 Working to a regular shift pattern"),
    "automation": ("3. Coordinating and planning", "3.5 Automating activity",
                   "3.5.1 Automating social media posts"),
    "location": ("5. Evading detection", "5.3 Obfuscating geographical location", ""),
    "amplify": ("6. Indiscriminate engagement",
                "6.2 Amplifying with likely fake accounts on social media", ""),
    "hashtags": ("7. Targeted engagement", "7.3 Engaging with specific audience",
                 "7.3.1 Using audience-specific hashtags"),
    "groups": ("7. Targeted engagement", "7.3 Engaging with specific audience",
               "7.3.2 Posting into specifically themed Groups"),
    "language": ("7. Targeted engagement", "7.3 Engaging with specific audience",
                 "7.3.4 Utilising Language-Specific Campaigns"),
    "website": ("7. Targeted engagement", "7.5 Directing online traffic",
                "7.5.2 Directing audience to website"),
    "other_social": ("7. Targeted engagement", "7.5 Directing online traffic",
                     "7.5.1 Directing audience to other social media"),
    "tagging": ("7. Targeted engagement", "7.8 Direct outreach", "7.8.1 Tagging social media users"),
    "replying": ("7. Targeted engagement", "7.8 Direct outreach", "7.8.2 Replying to social media users"),
    "recidivism": ("9. Enabling longevity", "9.5 Replacing infrastructure", ""),
}  # fmt: skip

AMPLIFY_PROCEDURE = {
    "facebook": "6.2.1 Amplifying with likely fake accounts on Facebook",
    "instagram": "6.2.2 Amplifying with likely fake accounts on Instagram",
    "twitter": "6.2.4 Amplifying with likely fake accounts on X/Twitter",
    "telegram": "6.2.7 Amplifying with likely fake accounts on Telegram",
}
ACCOUNTS_PROCEDURE = {
    "facebook": "0.9.1 Acquiring Facebook assets",
    "instagram": "0.9.2 Acquiring Instagram accounts",
    "twitter": "0.9.4 Acquiring X / Twitter accounts",
    "telegram": "0.9.7 Acquiring Telegram channels",
}


def _fired(net: dict[str, Any], *words: str) -> list[str]:
    """Detection signals (with edges) or indicators (strong, or listed as drivers) that fired
    and whose name contains any of `words` (hyphens read as underscores)."""
    names = []
    signals = net.get("signals") or {}
    if isinstance(signals, dict):
        inner = signals.get("by_signal")
        by: dict[str, Any] = inner if isinstance(inner, dict) else signals
        for name, value in by.items():
            key = str(name).lower().replace("-", "_")
            if any(w in key for w in words) and _positive(value):
                names.append(str(name))
    indicators = net.get("indicators") or {}
    if isinstance(indicators, dict):
        listed = indicators.get("drivers")
        drivers: list[Any] = listed if isinstance(listed, list) else []
        for name, value in indicators.items():
            key = str(name).lower().replace("-", "_")
            if name == "drivers" or not any(w in key for w in words):
                continue
            if name in drivers or _strong(value):
                names.append(str(name))
    return names


def _strong(value: Any) -> bool:
    try:
        return float(value) >= 0.5
    except (TypeError, ValueError):
        return False


def _positive(value: Any) -> bool:
    if isinstance(value, dict):
        value = value.get("edges", value.get("value", value.get("score", value.get("weight", 1))))
    try:
        return float(value) > 0
    except (TypeError, ValueError):
        return bool(value)


Rule = Callable[[dict[str, Any], dict[str, Any]], list[tuple[str, str, list[str], str]]]


def _rules(net: dict[str, Any], ch: dict[str, Any]) -> list[tuple[tuple, list[str], str]]:
    """(kill-chain row, DISARM ids, evidence) for every rule that holds."""
    out: list[tuple[tuple, list[str], str]] = []
    assets = ch.get("assets", {})
    creation = assets.get("creation", {})
    if creation.get("bursts") and creation.get("burst_share", 0) >= 0.3:
        b = creation["bursts"][0]
        ids = ["T0150.008", "T0150.001"]
        ev = (f"{creation['burst_share']:.0%} of dated assets were created in bursts "
              f"(largest: {b['assets']} between {b['start']} and {b['end']})")  # fmt: skip
        for plat in assets.get("platforms", []):
            proc = ACCOUNTS_PROCEDURE.get(plat, "0.9.12 Acquiring other social media assets")
            out.append(((*KC["accounts"][:2], proc), ids, ev))
    elif _fired(net, "creation", "burst", "young", "new_account", "handle_pattern"):
        out.append(
            (
                (*KC["accounts"][:2], ""),
                ["T0150.001"],
                "detection indicator: "
                + ", ".join(_fired(net, "creation", "burst", "young", "new_account")),
            )
        )
    cards = ch.get("cards", {}).get("groups", [])
    copy = [c for c in cards if c.get("kind") == "same text"]
    dup_signals = _fired(net, "identical", "near_dup", "duplicate", "text")
    if copy or dup_signals:
        ev = copy[0]["caption"] if copy else "detection signal: " + ", ".join(dup_signals)
        for plat in assets.get("platforms", []) or [""]:
            proc = AMPLIFY_PROCEDURE.get(plat, "")
            out.append(((*KC["amplify"][:2], proc), ["T0084.001", "T0049"], ev))
    share = _fired(net, "co_share", "coshare", "retweet", "reshare", "forward")
    if share:
        out.append(
            (
                (*KC["amplify"][:2], ""),
                ["T0049.003", "T0118"],
                "assets reshared the same posts together (" + ", ".join(share) + ")",
            )
        )
    tags = ch.get("narratives", {}).get("hashtags", [])
    tag_signals = _fired(net, "hashtag")
    if tag_signals or (tags and tags[0]["assets"] >= 3):
        ev = (f"#{tags[0]['text']} pushed by {tags[0]['assets']} assets in {tags[0]['posts']} posts"
              if tags else "detection signal: " + ", ".join(tag_signals))  # fmt: skip
        out.append((KC["hashtags"], ["T0015", "T0049.002"], ev))
    sites = ch.get("domains", {}).get("sites", [])
    if sites and (sites[0]["assets"] >= 3 or _fired(net, "co_link", "colink", "domain")):
        s = sites[0]
        ids = ["T0118"] + (["T0149.001"] if s["outside_assets"] == 0 else [])
        ev = f"{s['domain']} linked in {s['posts']} posts by {s['assets']} assets"
        if s.get("state_media"):
            ev += f" (state-affiliated: {s['state_media'].get('name')})"
        out.append((KC["website"], ids, ev))
    links = ch.get("domains", {}).get("platform_links", [])
    if links and links[0]["assets"] >= 3:
        out.append(
            (
                KC["other_social"],
                ["T0119.002"],
                f"{links[0]['domain']} links in {links[0]['posts']} posts",
            )
        )
    mentions = [m for m in ch.get("targets", {}).get("mentions", []) if not m.get("member")]
    if mentions and (mentions[0]["assets"] >= 3 or _fired(net, "mention")):
        m = mentions[0]
        out.append(
            (
                KC["tagging"],
                ["T0049.005"],
                f"@{m['target']} mentioned in {m['posts']} posts by {m['assets']} assets",
            )
        )
    replies = [r for r in ch.get("targets", {}).get("replies", []) if not r.get("member")]
    if replies and (replies[0]["assets"] >= 3 or _fired(net, "reply")):
        r = replies[0]
        out.append(
            (
                KC["replying"],
                ["T0049.005"],
                f"{r['posts']} replies to one account by {r['assets']} assets",
            )
        )
    tz = ch.get("origin", {}).get("timezone", {})
    if tz.get("confidence") in ("high", "medium") and tz.get("share_in_office_hours", 0) >= 0.6:
        out.append((KC["shift"], [], tz["statement"]))
    declared = ch.get("origin", {}).get("declared_locations", {})
    if declared.get("disagrees"):
        out.append((KC["location"], ["T0097.101", "T0143.002"], declared["statement"]))
    elif _fired(net, "tz_mismatch", "timezone"):
        out.append(
            (
                KC["location"],
                ["T0097.101"],
                "detection indicator: " + ", ".join(_fired(net, "tz_mismatch", "timezone")),
            )
        )
    clients = ch.get("origin", {}).get("clients", {})
    if clients.get("automation_share", 0) >= 0.2 or _fired(net, "automation", "client"):
        out.append(
            (
                KC["automation"],
                ["T0146.007"],
                f"{clients.get('automation_share', 0):.0%} of posts from automation clients",
            )
        )
    venues = [v for v in assets.get("posted_in_venues", []) if v["kind"] == "group"]
    if venues:
        v = venues[0]
        out.append((KC["groups"], ["T0119.001"], f"{v['posts']} posts into {v['venues']} Groups"))
    if len(assets.get("platforms", [])) >= 2:
        out.append(
            (
                ("", "", ""),
                ["T0119.002"],
                "assets on " + ", ".join(assets["platforms"]) + " in one network",
            )
        )
    overlaps = ch.get("takedowns", {}).get("overlaps", [])
    if overlaps:
        out.append((KC["recidivism"], [], overlaps[0]["statement"] + " (evidence, not proof)"))
    return out


def compute(ctx: Context) -> dict[str, Any]:
    out = {}
    for nid, net in ctx.networks.items():
        ch = {n: s.get(nid, {}) for n, s in ctx.results.items() if not n.startswith("_")}
        items = []
        for (tactic, technique, procedure), ids, evidence in _rules(net, ch):
            items.append(
                {
                    "killchain": {"tactic": tactic, "technique": technique, "procedure": procedure},
                    "disarm": [{"id": i, "name": DISARM[i]} for i in ids],
                    "evidence": evidence,
                }
            )
        out[nid] = {
            "items": items,
            "attribution": [DISARM_ATTRIBUTION, KILLCHAIN_ATTRIBUTION],
        }
    return out
