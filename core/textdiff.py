"""Word-level differences between two texts, to show a change against what it changes."""

import difflib
import re

Segment = tuple[str, str]  # ("same" | "del" | "ins", text)


def _opcodes(old: str, new: str) -> tuple[list[str], list[str], list[tuple[str, int, int, int, int]]]:
    a, b = re.split(r"(\s+)", old or ""), re.split(r"(\s+)", new or "")
    return a, b, difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def word_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """The old text with its removed words marked, and the new one with its added words."""
    a, b, opcodes = _opcodes(old, new)
    left: list[Segment] = []
    right: list[Segment] = []
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            left.append(("same", "".join(a[i1:i2])))
            right.append(("same", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            right.append(("ins", "".join(b[j1:j2])))
    return left, right


def inline_diff(old: str, new: str) -> list[Segment]:
    """One text: the words removed (del) just before the words that replace them (ins)."""
    a, b, opcodes = _opcodes(old, new)
    merged: list[Segment] = []
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            merged.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            merged.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            merged.append(("ins", "".join(b[j1:j2])))
    return merged
