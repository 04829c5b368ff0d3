"""networks.stix.json: a STIX 2.1 bundle of the reported networks (stix2 library).

Per network: an intrusion-set (the operation) and a campaign (its activity, first and last
seen) linked by attributed-to; an infrastructure object (its assets) that the campaign uses and
that consists-of one user-account per asset (account_type = platform, user_id = native id,
account_login = handle) and communicates-with the domain-name and url observables it pushes;
and one indicator per pushed domain (a STIX pattern) that indicates the campaign. Confidence is
the network score on STIX's 0–100 scale. Everything is created by a cibwatch identity.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import stix2
from stix2.canonicalization.Canonicalize import canonicalize

from cibwatch.report import Report
from cibwatch.report.html import safe_href

IDENTITY = stix2.Identity(
    id="identity--5b3d8c52-2a1e-5e0f-9c55-6a1f4f0c7b11",
    name="cibwatch",
    identity_class="system",
    created="2026-01-01T00:00:00Z",
    modified="2026-01-01T00:00:00Z",
)


def _ts(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
    except ValueError:
        return None


def valid_hostname(value: Any) -> bool:
    """A domain STIX accepts (idn-hostname): labels of 1-63, at most 253 characters."""
    if not isinstance(value, str) or not value or len(value) > 253:
        return False
    try:
        ascii_name = value.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(
        re.fullmatch(r"(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+", ascii_name, re.I)
    )


SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")  # STIX 2.1, section 2.9
REL_NAMESPACE = uuid.UUID(
    "8a0c6fd4-4c4e-5b8a-9b5d-2f6a4c1c7e21"
)  # cibwatch's own, for relationships
NOW = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def sco_id(kind: str, contributing: dict[str, Any]) -> str:
    return f"{kind}--{uuid.uuid5(SCO_NAMESPACE, canonicalize(contributing, utf8=False))}"


def relationship(source: str, kind: str, target: str) -> dict[str, Any]:
    """A relationship as a dict, its id derived from its ends so reruns give the same ids."""
    return {
        "type": "relationship",
        "spec_version": "2.1",
        "id": f"relationship--{uuid.uuid5(REL_NAMESPACE, f'{source}|{kind}|{target}')}",
        "created": NOW,
        "modified": NOW,
        "relationship_type": kind,
        "source_ref": source,
        "target_ref": target,
        "created_by_ref": IDENTITY.id,
    }


def _pattern_string(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def objects_for(doc: dict[str, Any]) -> list[Any]:
    net = doc["network"]
    name = f"cibwatch network {net['id']}"
    confidence = max(0, min(100, round(100 * float(net.get("score") or 0))))
    description = f"{doc['assets'].get('sentence') or 'no assets'}. Status: {doc['status']}. " + (
        doc.get("origin", {}).get("timezone", {}).get("statement") or ""
    )
    act = doc["assets"].get("activity", {})
    first, last = _ts(act.get("first_post")), _ts(act.get("last_post"))
    common = {"created_by_ref": IDENTITY.id, "confidence": confidence}
    iset = stix2.IntrusionSet(name=name, description=description, **common)
    campaign_kw: dict[str, Any] = {"name": name, "description": description, **common}
    if first and last:
        campaign_kw.update(first_seen=first, last_seen=last)
    campaign = stix2.Campaign(**campaign_kw)
    infra = stix2.Infrastructure(
        name=f"assets of {name}", infrastructure_types=["unknown"], **common
    )
    objs: list[Any] = [
        iset,
        campaign,
        infra,
        stix2.Relationship(campaign, "attributed-to", iset, created_by_ref=IDENTITY.id),
        stix2.Relationship(campaign, "uses", infra, created_by_ref=IDENTITY.id),
    ]
    # Accounts are the bulk (thousands per report): plain dicts with the ids stix2 would give
    # them (UUIDv5 of the canonical contributing properties), not validated objects one by one.
    for m in doc["members"]:
        kw: dict[str, Any] = {"account_type": str(m["platform"]), "user_id": str(m["native_id"])}
        if m.get("handle"):
            kw["account_login"] = str(m["handle"])
        account = {
            "type": "user-account",
            "spec_version": "2.1",
            "id": sco_id("user-account", kw),
            **kw,
        }
        if m.get("display_name") and not m.get("redacted"):
            account["display_name"] = str(m["display_name"])
        objs += [account, relationship(infra.id, "consists-of", account["id"])]
    for s in doc["domains"].get("sites", []):
        if not valid_hostname(s["domain"]):
            continue  # operations write garbage URLs on purpose; only real domains go out
        domain = stix2.DomainName(value=s["domain"])
        objs += [
            domain,
            stix2.Relationship(infra, "communicates-with", domain, created_by_ref=IDENTITY.id),
        ]
        indicator = stix2.Indicator(
            name=f"{s['domain']} pushed by {name}",
            pattern=f"[domain-name:value = '{_pattern_string(s['domain'])}']",
            pattern_type="stix",
            valid_from=first or datetime(2000, 1, 1, tzinfo=UTC),
            indicator_types=["attribution"],
            **common,
        )
        objs += [
            indicator,
            stix2.Relationship(indicator, "indicates", campaign, created_by_ref=IDENTITY.id),
        ]
        href = safe_href(s.get("example_url"))
        if href:
            url = stix2.URL(value=href)
            objs += [
                url,
                stix2.Relationship(infra, "communicates-with", url, created_by_ref=IDENTITY.id),
            ]
    return objs


def bundle(report: Report) -> dict[str, Any]:
    """The bundle as a JSON-ready dict (stix2 objects serialized, account dicts as they are)."""
    objs: list[dict[str, Any]] = []
    seen: set[str] = set()
    for o in [IDENTITY, *(o for doc in report.networks for o in objects_for(doc))]:
        d = o if isinstance(o, dict) else json.loads(o.serialize())
        if d["id"] not in seen:  # SCO ids are deterministic: one object per account/domain
            seen.add(d["id"])
            objs.append(d)
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objs}


def write(report: Report, path: Path) -> None:
    path.write_text(json.dumps(bundle(report), ensure_ascii=False, indent=1), encoding="utf-8")
