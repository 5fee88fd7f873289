"""Invented practices and resources for the demonstration (loaded by practices.demo).

Realistic in kind — the themes, institutions and countries of the network — but invented in
detail; every record is flagged as demo. The content is data, in `practices/data/demo.json`:
each practice names its country codes, institution keys (from network.demo), theme slugs, axis
number, population, years [start, end or null], original language, texts, and the state the demo
leaves it in (one of the states below); then the resources, the call and the compilation.
"""

import json
from pathlib import Path

PUBLISHED = "published"
SUBMITTED = "submitted"
IN_REVIEW = "in_review"
RETURNED = "returned"
DRAFT = "draft"

_DATA = json.loads((Path(__file__).resolve().parent / "data" / "demo.json").read_text(encoding="utf-8"))
PRACTICES = _DATA["practices"]
RESOURCES = _DATA["resources"]
CALL = _DATA["call"]
COMPILATION = _DATA["compilation"]
