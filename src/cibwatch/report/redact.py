"""Redaction for the public version of a report (`cibwatch report --redact`).

Platforms and researchers name only the assets with a public reach before publishing: an
asset with fewer followers than the threshold (or an unknown count) is shown as a stable
pseudonym ("account-007") with its handle, display name, native id and post ids masked, in every
table, card, drawing and machine format. @mentions inside post texts are masked too, and mention
targets that are not known public assets. Counts, dates, domains and texts stay.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cibwatch.report import Report

MASK = "[redacted]"
_MENTION = re.compile(r"@[\w.]+")


class Redactor:
    """Masks assets below `threshold` followers; one pseudonym per asset for the whole report."""

    def __init__(self, threshold: int):
        self.threshold = threshold
        self.names: dict[tuple[str, str, str], str] = {}
        self.public_handles: set[str] = set()

    def is_public(self, asset: dict[str, Any]) -> bool:
        followers = asset.get("followers")
        return followers is not None and followers >= self.threshold

    def pseudonym(self, asset: dict[str, Any]) -> str:
        key = (str(asset.get("platform")), str(asset.get("kind")), str(asset.get("native_id")))
        if key not in self.names:
            self.names[key] = f"{asset.get('kind') or 'asset'}-{len(self.names) + 1:03d}"
        return self.names[key]

    def asset(self, asset: dict[str, Any]) -> None:
        """Mask one asset-like dict in place (platform, kind, native_id, handle, ...)."""
        if self.is_public(asset):
            if asset.get("handle"):
                self.public_handles.add(str(asset["handle"]).lower())
            return
        name = self.pseudonym(asset)
        asset["native_id"] = name
        asset["handle"] = name
        asset["display_name"] = MASK
        asset["redacted"] = True
        if "post_native_id" in asset:
            asset["post_native_id"] = MASK

    def text(self, text: str | None) -> str | None:
        if not text:
            return text
        return _MENTION.sub(
            lambda m: m.group(0) if m.group(0)[1:].lower() in self.public_handles else "@" + MASK,
            text,
        )

    def _walk(self, value: Any) -> None:
        if isinstance(value, dict):
            if {"platform", "kind", "native_id"} <= value.keys():
                self.asset(value)
            for v in value.values():
                self._walk(v)
        elif isinstance(value, list):
            for v in value:
                self._walk(v)

    def _texts(self, value: Any) -> None:
        if isinstance(value, dict):
            if "post_native_id" in value and isinstance(value.get("text"), str):
                value["text"] = self.text(value["text"])
            for v in value.values():
                self._texts(v)
        elif isinstance(value, list):
            for v in value:
                self._texts(v)

    def apply(self, report: Report) -> None:
        for doc in report.networks:
            self._walk(doc)
        # Texts after all assets are known, so public handles stay readable.
        for doc in report.networks:
            self._texts(doc)
            for item in doc.get("tactics", {}).get("items", []):
                item["evidence"] = self.text(item.get("evidence"))
            targets = doc.get("targets", {})
            for group in ("mentions", "replies"):
                for t in targets.get(group, []):
                    known = t.get("asset")
                    if not (known and not known.get("redacted")):
                        t["target"] = MASK
