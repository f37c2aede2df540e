"""Joining hard-wrapped lines back into running text.

The only changes reflow makes to the words are at line breaks: a word broken across two lines
is joined, with or without its hyphen. Everything else (OCR misreadings included) is kept.
Whether a break splits a word is decided from evidence in the document itself, so the same
text always reflows the same way and no outside dictionary can "correct" a source.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

WORD_RE = re.compile(r"[^\W\d_]+")
COMPOUND_RE = re.compile(r"[^\W\d_]+-[^\W\d_]+")
TRAILING_WORD_RE = re.compile(r"([^\W\d_]+)(-?)$")
LEADING_WORD_RE = re.compile(r"^([^\W\d_]+)")

# Prefixes that form real hyphenated compounds ("quasi-divine", "self-confidence"), so a
# hyphen after them at a line end is kept unless the document spells the word solid.
COMPOUND_PREFIXES = frozenset(
    {"self", "well", "quasi", "anti", "non", "post", "semi", "pseudo", "half", "all", "ex"}
    | {"ill", "large", "small", "long", "short", "full", "rank", "hand", "inner", "ultra"}
)


# Word endings that never begin an English word: a line starting with one continues a word
# broken at the end of the line before ("isola" / "tionism"), even with no hyphen.
BOUND_ENDING_RE = re.compile(
    r"^(?:tion|sion|ation|ition|ution|zation|isation|ization|ities|ity|ively|ically|ological)"
)


class Vocabulary:
    """Word evidence gathered from a whole document, used to decide line-break joins.

    ``words`` counts every word; ``interior`` counts only words that neither start nor end a
    line, so fragments of words broken at line ends ("isola", "tionism") do not count as
    words in their own right; ``compounds`` counts hyphenated words written within a line.
    """

    def __init__(self, lines: Iterable[str]) -> None:
        self.words: Counter[str] = Counter()
        self.interior: Counter[str] = Counter()
        self.compounds: Counter[str] = Counter()
        for line in lines:
            tokens = [token.lower() for token in WORD_RE.findall(line)]
            self.words.update(tokens)
            self.interior.update(tokens[1:-1])
            self.compounds.update(token.lower() for token in COMPOUND_RE.findall(line))

    def joins_hyphenated(self, head: str, tail: str, *, spaced: bool) -> bool:
        """Decide whether ``head-`` at a line end and ``tail`` make one word without the hyphen.

        The hyphen goes when the document spells the word solid elsewhere or ``head`` is no
        word of its own; it stays when the document hyphenates the word elsewhere, when
        ``head`` is a compound-forming prefix, or when the typist left a space after it.
        """
        solid, hyphenated = (head + tail).lower(), f"{head}-{tail}".lower()
        if self.words[solid] and not self.compounds[hyphenated]:
            return True
        if self.compounds[hyphenated] or head.lower() in COMPOUND_PREFIXES:
            return False
        if not self.interior[head.lower()]:
            return True
        return not spaced

    def joins_unhyphenated(self, head: str, tail: str) -> bool:
        """Decide whether ``head`` ending a line and ``tail`` starting the next are one word.

        OCR often loses the hyphen of a broken word ("isola" / "tionism"). The halves are
        joined when the document uses the whole word elsewhere and at least one half is never
        a word on its own, so "a" / "part" stays two words; or when ``head`` is never a word
        on its own and ``tail`` starts with an ending no English word starts with ("tion").
        """
        solid = (head + tail).lower()
        if len(head) < 2 or len(tail) < 2:
            return False
        if self.words[solid]:
            return not self.interior[head.lower()] or not self.interior[tail.lower()]
        return not self.interior[head.lower()] and bool(BOUND_ENDING_RE.match(tail.lower()))


def join_lines(left: str, right: str, vocabulary: Vocabulary, *, spaced: bool = False) -> str:
    """Join two consecutive lines of one paragraph, mending a word broken across them.

    ``spaced`` says the left line had a space after its final hyphen in the source.
    """
    if not left:
        return right
    if not right:
        return left
    joint = _joint(left, right, vocabulary, spaced=spaced)
    return (left[:-1] if joint == DROP_HYPHEN else left) + (" " if joint == " " else "") + right


DROP_HYPHEN = "drop hyphen"


def _joint(left: str, right: str, vocabulary: Vocabulary, *, spaced: bool) -> str:
    """Say how two non-empty lines meet: ``" "``, ``""`` (one word) or ``DROP_HYPHEN``."""
    head_match = TRAILING_WORD_RE.search(left[-80:])  # a word is never longer than this
    tail_match = LEADING_WORD_RE.match(right)
    if left.endswith("-") and len(left) > 1 and left[-2].isalnum() and right[0].isalnum():
        if head_match and tail_match and right[0].islower():
            head, tail = head_match.group(1), tail_match.group(1)
            if vocabulary.joins_hyphenated(head, tail, spaced=spaced):
                return DROP_HYPHEN
        # "Anglo-" + "Russian", "1921-" + "1929": the hyphen is part of the text.
        return ""
    if head_match and tail_match and not head_match.group(2):
        head, tail = head_match.group(1), tail_match.group(1)
        if tail[0].islower() and vocabulary.joins_unhyphenated(head, tail):
            return ""
    return " "


def reflow(lines: Iterable[tuple[str, bool]], vocabulary: Vocabulary) -> str:
    """Join trimmed lines into one paragraph; each item is (text, had a space after a hyphen).

    Each join looks only at the ends of two neighbouring lines, so a paragraph of any length
    reflows in linear time.
    """
    parts: list[str] = []
    previous = ""
    spaced = False
    for line, line_spaced in lines:
        if not line:
            continue
        if previous:
            joint = _joint(previous, line, vocabulary, spaced=spaced)
            if joint == DROP_HYPHEN:
                parts[-1] = parts[-1][:-1]
            elif joint == " ":
                parts.append(" ")
        parts.append(line)
        previous, spaced = line, line_spaced
    return "".join(parts)
