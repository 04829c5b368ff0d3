"""networks.gexf and networks.graphml: members and edges for Gephi, Cytoscape and igraph.

Nodes are the members of every reported network (id = internal asset_id) with platform, kind,
native_id, handle, network, score, status and followers; edges are the detection edges between
members of the same network, one per signal, with signal, weight, events and network. Written
line by line with XML escaping (saxutils) after removing characters XML 1.0 cannot hold, which adversarial
strings contain on purpose.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from cibwatch.report import Report

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
NODE_ATTRS = (
    ("platform", "string"), ("kind", "string"), ("native_id", "string"), ("handle", "string"),
    ("network", "string"), ("score", "double"), ("status", "string"), ("followers", "long"),
)  # fmt: skip
EDGE_ATTRS = (("signal", "string"), ("weight", "double"), ("events", "long"), ("network", "string"))


def clean(value: Any) -> str:
    return _NOT_XML.sub("\ufffd", "" if value is None else str(value))


def _nodes_edges(report: Report) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes, edges, seen = [], [], set()
    for doc in report.networks:
        net = doc["network"]
        for m in doc["members"]:
            if m["asset_id"] in seen:
                continue
            seen.add(m["asset_id"])
            nodes.append(
                {
                    "id": str(m["asset_id"]),
                    "label": m.get("handle") or m["native_id"],
                    "platform": m["platform"],
                    "kind": m["kind"],
                    "native_id": m["native_id"],
                    "handle": m.get("handle"),
                    "network": net["id"],
                    "score": net.get("score"),
                    "status": doc["status"],
                    "followers": m.get("followers"),
                }
            )
        for e in doc["edges"]:
            edges.append(
                {
                    "source": str(e["a"]),
                    "target": str(e["b"]),
                    "signal": e["signal"],
                    "weight": e["weight"],
                    "events": e["events"],
                    "network": net["id"],
                }
            )
    return nodes, edges


def _attr(value: Any) -> str:
    return quoteattr(clean(value))


def write_gexf(report: Report, path: Path) -> None:
    """GEXF 1.3, streamed line by line (ElementTree is too slow for 100k+ edges)."""
    nodes, edges = _nodes_edges(report)
    with path.open("w", encoding="utf-8") as fh:
        w = fh.write
        w('<?xml version="1.0" encoding="utf-8"?>\n')
        w(
            '<gexf xmlns="http://gexf.net/1.3" version="1.3"><meta><creator>cibwatch</creator></meta>\n'
        )
        w('<graph defaultedgetype="undirected" mode="static">\n')
        for cls, attrs in (("node", NODE_ATTRS), ("edge", EDGE_ATTRS)):
            w(f'<attributes class="{cls}">')
            for i, (name, kind) in enumerate(attrs):
                w(f'<attribute id="{i}" title="{name}" type="{kind}"/>')
            w("</attributes>\n")
        w("<nodes>\n")
        for n in nodes:
            values = "".join(
                f'<attvalue for="{i}" value={_attr(n[name])}/>'
                for i, (name, _) in enumerate(NODE_ATTRS)
                if n.get(name) is not None
            )
            w(
                f"<node id={_attr(n['id'])} label={_attr(n['label'])}><attvalues>{values}</attvalues></node>\n"
            )
        w("</nodes>\n<edges>\n")
        for k, e in enumerate(edges):
            values = "".join(
                f'<attvalue for="{i}" value={_attr(e[name])}/>'
                for i, (name, _) in enumerate(EDGE_ATTRS)
                if e.get(name) is not None
            )
            w(
                f'<edge id="{k}" source={_attr(e["source"])} target={_attr(e["target"])} '
                f"weight={_attr(e['weight'] or 0)} label={_attr(e['signal'])}>"
                f"<attvalues>{values}</attvalues></edge>\n"
            )
        w("</edges>\n</graph>\n</gexf>\n")


def write_graphml(report: Report, path: Path) -> None:
    """GraphML, streamed line by line."""
    nodes, edges = _nodes_edges(report)
    with path.open("w", encoding="utf-8") as fh:
        w = fh.write
        w('<?xml version="1.0" encoding="utf-8"?>\n')
        w('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
        for name, kind in NODE_ATTRS:
            w(f'<key id="n_{name}" for="node" attr.name="{name}" attr.type="{kind}"/>\n')
        for name, kind in EDGE_ATTRS:
            w(f'<key id="e_{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>\n')
        w('<graph id="cibwatch" edgedefault="undirected">\n')
        for n in nodes:
            data = "".join(
                f'<data key="n_{name}">{escape(clean(n[name]))}</data>'
                for name, _ in NODE_ATTRS
                if n.get(name) is not None
            )
            w(f"<node id={_attr('a' + n['id'])}>{data}</node>\n")
        for k, e in enumerate(edges):
            data = "".join(
                f'<data key="e_{name}">{escape(clean(e[name]))}</data>'
                for name, _ in EDGE_ATTRS
                if e.get(name) is not None
            )
            w(
                f'<edge id="e{k}" source={_attr("a" + e["source"])} '
                f"target={_attr('a' + e['target'])}>{data}</edge>\n"
            )
        w("</graph>\n</graphml>\n")
