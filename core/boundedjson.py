"""JSON from outside, read with limits: a file nested 100,000 levels deep is refused, not a RecursionError.

`loads(text, max_depth=…)` scans the text once, without recursion, for how deeply its arrays and
objects nest (strings skipped), and refuses it with a clear message past `max_depth`; only then
is it parsed.
"""

import json

MAX_DEPTH = 64


class TooDeep(ValueError):
    """The JSON nests deeper than allowed."""


def nesting_depth(text, limit=None):
    """How deeply `text`'s arrays and objects nest (stops counting past `limit`)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if limit is not None and deepest > limit:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def loads(text, *, max_depth=MAX_DEPTH):
    """Parse JSON text whose nesting is at most `max_depth`; raise TooDeep or json.JSONDecodeError."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if nesting_depth(text, limit=max_depth) > max_depth:
        raise TooDeep(f"nested more than {max_depth} levels deep")
    return json.loads(text)
