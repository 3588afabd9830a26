"""gongkai: 政府信息公开工作年度报告, from a checked record to a published page."""

import sys

__version__ = "0.1.0"

# jsonschema (imported by nbformat and great-expectations) imports rfc3987_syntax when it is
# installed (jupyter's dependencies install it), and that module compiles an Earley grammar on
# import: about 3 s of CPU in every process that renders or checks, workers included. No schema
# we validate uses an IRI format, so jsonschema is told the module is absent and skips it.
# Only when jsonschema has not been imported yet: a process that already has it keeps it whole.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
