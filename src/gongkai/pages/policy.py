"""The Content-Security-Policy of every page gongkai writes, defined once.

Published pages run no script and fetch nothing: even markup that slipped past escaping and the
sanitizer cannot run. The index and audit pages run one script (templates/table.js), allowed by its hash; the
preview, served from this machine, fetches its own refresh script and asks its server for news.
"""

from __future__ import annotations

import base64
import hashlib

_NONE, _STYLES, _IMAGES = "default-src 'none'", "style-src 'unsafe-inline'", "img-src data:"
STATIC = f"{_NONE}; {_STYLES}; {_IMAGES}"
PREVIEW = f"{STATIC}; script-src 'self'; connect-src 'self'"


def with_script(script: str) -> str:
    """A static page that runs exactly `script` (inline), allowed by its SHA-256."""
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return f"{_NONE}; {_STYLES}; script-src 'sha256-{digest}'; {_IMAGES}"
