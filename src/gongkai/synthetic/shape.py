"""The cells the generator fills: nodes of the 2021 format by id, and how often each is chosen."""

from __future__ import annotations

from collections.abc import Sequence

from gongkai.format import FORMAT_2021, Node
from gongkai.format.model import leaves
from gongkai.records.record import Value

FORMAT = FORMAT_2021
T2, T3, T4 = (FORMAT.table(p.table) for p in FORMAT.parts if p.table)


def whole(value: Value) -> int:
    """A count as a whole number; a blank (or an amount) counts as none."""
    return value if isinstance(value, int) else 0


def pick(nodes: Sequence[Node], node_id: str) -> Node:
    """A node the format defines, by id: a typo fails at import, not silently."""
    for node in nodes:
        if node.id == node_id:
            return node
    raise KeyError(node_id)


# Table 三: the rows that carry the flow of applications, and its columns.
RECEIVED, CARRIED_IN, CARRIED_OVER, OUTCOME_TOTAL = (
    T3.row(i) for i in ("received", "carried_in", "carried_over", "outcome_total")
)
OUTCOME = next(n for n in T3.rows if n.children)
OUTCOME_LEAVES = [n for n in OUTCOME.leaves() if n is not OUTCOME_TOTAL]
TOTAL = pick(leaves(T3.columns), "total")
APPLICANTS = [c for c in leaves(T3.columns) if c is not TOTAL]
NATURAL_PERSON = pick(APPLICANTS, "natural_person")
# Table 四: three groups × outcomes and their total.
T4_TOTAL = pick(leaves(T4.columns), "total")
T4_PARTS = [c for c in leaves(T4.columns) if c is not T4_TOTAL]
# Table 二.
REGULATIONS, NORMATIVE = T2.row("regulations"), T2.row("normative_docs")
ISSUED, REPEALED, IN_FORCE = (pick(T2.columns_of(NORMATIVE.id), i) for i in ("issued", "repealed", "in_force"))
LICENSING, PENALTY, COERCION, FEES = (T2.row(i) for i in ("licensing", "penalty", "coercion", "fees"))

# Who applies and how applications end: weights for the cells we fill.
# fmt: off
_APPLICANT_WEIGHTS = {"natural_person": 80, "commercial": 8, "other_org": 5, "legal_service": 4,
                      "public_interest": 2, "research": 1}
_OUTCOME_WEIGHTS = {"granted": 50, "partly_granted": 8, "unavailable_not_held": 15,
                    "unavailable_needs_making": 3, "refused_third_party": 3, "refused_process": 3,
                    "np_petition": 6, "np_repeated": 4, "other_no_correction": 4, "other_misc": 4}
# fmt: on
APPLICANT_WEIGHTS = [_APPLICANT_WEIGHTS[c.id] for c in APPLICANTS]
OUTCOME_CHOICES = [pick(OUTCOME_LEAVES, i) for i in _OUTCOME_WEIGHTS]
OUTCOME_WEIGHTS = list(_OUTCOME_WEIGHTS.values())
T4_WEIGHTS = [{"upheld": 6, "corrected": 1, "other": 1, "pending": 2}[c.id] for c in T4_PARTS]
