"""Information laundering: state talking points through intermediaries and back (`cibwatch launder`).

outlets.py  the bundled, sourced list of state-affiliated outlets (+ analyst additions)
reuse.py    text reuse: MinHash/LSH over passage windows, then seed-and-extend alignment
chains.py   state article -> intermediary (reuse, credit) -> state citeback
rank.py     intermediaries (authors, outlets) ranked by uncredited carrying of state content
trace.py    the stage: runs the above and writes W/out/laundering.json
"""

from cibwatch.laundering.outlets import StateOutlet, load_outlets
from cibwatch.laundering.reuse import ReuseParams
from cibwatch.laundering.trace import launder

__all__ = ["ReuseParams", "StateOutlet", "launder", "load_outlets"]
