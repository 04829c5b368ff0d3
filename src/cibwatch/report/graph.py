"""networks.gexf and networks.graphml: members and edges for Gephi, Cytoscape and igraph.

Nodes are the members of every reported network (id = internal asset_id) with platform, kind,
native_id, handle, network, score, status and followers; edges are the detection edges between
members of the same network, one per signal, with signal, weight, events and network. Written
with ElementTree (escaping) after removing characters XML 1.0 cannot hold, which adversarial
strings contain on purpose.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

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


def write_gexf(report: Report, path: Path) -> None:
    nodes, edges = _nodes_edges(report)
    root = ET.Element("gexf", {"xmlns": "http://gexf.net/1.3", "version": "1.3"})
    ET.SubElement(ET.SubElement(root, "meta"), "creator").text = "cibwatch"
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "undirected", "mode": "static"})
    for cls, attrs in (("node", NODE_ATTRS), ("edge", EDGE_ATTRS)):
        el = ET.SubElement(graph, "attributes", {"class": cls})
        for i, (name, kind) in enumerate(attrs):
            ET.SubElement(el, "attribute", {"id": str(i), "title": name, "type": kind})
    xnodes = ET.SubElement(graph, "nodes")
    for n in nodes:
        node = ET.SubElement(xnodes, "node", {"id": n["id"], "label": clean(n["label"])})
        values = ET.SubElement(node, "attvalues")
        for i, (name, _) in enumerate(NODE_ATTRS):
            if n.get(name) is not None:
                ET.SubElement(values, "attvalue", {"for": str(i), "value": clean(n[name])})
    xedges = ET.SubElement(graph, "edges")
    for k, e in enumerate(edges):
        edge = ET.SubElement(
            xedges,
            "edge",
            {"id": str(k), "source": e["source"], "target": e["target"],
             "weight": clean(e["weight"] or 0), "label": clean(e["signal"])},
        )  # fmt: skip
        values = ET.SubElement(edge, "attvalues")
        for i, (name, _) in enumerate(EDGE_ATTRS):
            if e.get(name) is not None:
                ET.SubElement(values, "attvalue", {"for": str(i), "value": clean(e[name])})
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def write_graphml(report: Report, path: Path) -> None:
    nodes, edges = _nodes_edges(report)
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", {"xmlns": ns})
    types = {"string": "string", "double": "double", "long": "long"}
    for name, kind in NODE_ATTRS:
        ET.SubElement(root, "key", {"id": f"n_{name}", "for": "node", "attr.name": name,
                                    "attr.type": types[kind]})  # fmt: skip
    for name, kind in EDGE_ATTRS:
        ET.SubElement(root, "key", {"id": f"e_{name}", "for": "edge", "attr.name": name,
                                    "attr.type": types[kind]})  # fmt: skip
    graph = ET.SubElement(root, "graph", {"id": "cibwatch", "edgedefault": "undirected"})
    for n in nodes:
        node = ET.SubElement(graph, "node", {"id": f"a{n['id']}"})
        for name, _ in NODE_ATTRS:
            if n.get(name) is not None:
                ET.SubElement(node, "data", {"key": f"n_{name}"}).text = clean(n[name])
    for k, e in enumerate(edges):
        edge = ET.SubElement(
            graph, "edge", {"id": f"e{k}", "source": f"a{e['source']}", "target": f"a{e['target']}"}
        )
        for name, _ in EDGE_ATTRS:
            if e.get(name) is not None:
                ET.SubElement(edge, "data", {"key": f"e_{name}"}).text = clean(e[name])
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
