"""The Jinja2 templates of the pages gongkai lays out itself: the index, the county summaries, the audit.

One environment, one loader (templates/pages/), autoescape on: Python builds the values (rows, counts,
links) and a template lays them out, so every text from a record or a file is escaped by Jinja2 in one
place, not by an `escape()` at each f-string. HTML made elsewhere (a report table, the checks' banner)
arrives as `Markup`. The report itself is laid out by nbconvert's own Jinja2 (templates/gongkai/).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from itertools import islice

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from gongkai.pages import policy
from gongkai.resources import TEMPLATES

# The list pages' one script (index and audit): sorts, filters and draws rows from the page's JSON data.
TABLE_SCRIPT = (TEMPLATES / "table.js").read_text(encoding="utf-8")


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES / "pages"),
        autoescape=True,
        undefined=StrictUndefined,  # a value the template names and Python forgot fails, not a blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # `tojson` writes the data blocks: compact, Chinese as is; Jinja2 escapes < > & ' so no text can close the block
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "separators": (",", ":")}
    return env


def json_rows(rows: Iterable[object], batch: int = 1000) -> Iterator[Markup]:
    """A JSON array's items, comma-joined, a batch of rows a piece: a nation's rows are never one list or text.

    Written by Jinja2's `tojson` (< > & ' as \\u escapes, so no text closes the block), a batch at
    a time: a template loop over 40,000 rows would cost more than the rows.
    """
    dumps = environment().policies["json.dumps_kwargs"]
    rows, comma = iter(rows), ""
    while items := list(islice(rows, batch)):
        yield Markup(comma) + htmlsafe_json_dumps(items, **dumps)[1:-1]  # the items, without their [ ]
        comma = ","


def render(name: str, **values: object) -> str:
    return environment().get_template(name).render(values)


def stream(name: str, **values: object) -> Iterator[str]:
    """The page in pieces, for a writer that never holds it whole (a nation's index)."""
    return environment().get_template(name).generate(values)


def table_page() -> dict[str, object]:
    """What every list page carries: its script, inlined, and the policy that lets exactly that script run."""
    return {"script": Markup(TABLE_SCRIPT), "csp": Markup(policy.with_script(TABLE_SCRIPT))}
