"""Files the package ships beside its code: the report notebook, the check suites, the page templates.

They live inside the package so that a wheel install renders as a checkout
does; the repository's top-level `notebooks/` and `expectations/` are links
to these folders, not copies. Each can be overridden for tests and
experiments through an environment variable.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
NOTEBOOK = Path(os.environ.get("GONGKAI_NOTEBOOK", PACKAGE / "notebooks" / "report.ipynb"))
EXPECTATIONS = Path(os.environ.get("GONGKAI_EXPECTATIONS", PACKAGE / "expectations"))
TEMPLATES = PACKAGE / "templates"
