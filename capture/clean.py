"""The lines of a paste worth reading: what is not a field is cut before any field is looked for.

The command it was typed after ("add", "새 연락처", "등록") is no field either. A pasted
signature often comes with the mail around it: the quoted message it answered (cut at
"On ... wrote:", "-----Original Message-----", Outlook's rule, "보낸 사람:"), lines quoted with
">", a legal disclaimer (its whole paragraph), greetings, the body's sentences, the closing
("Best regards," / "감사합니다"; a Korean "김민수 드림" keeps the name) and mail clients' tags.
"""

from __future__ import annotations

import re

from capture.labels import (
    CLOSINGS,
    COMMAND,
    DISCLAIMER,
    GREETINGS,
    KO_SIGN_OFFS,
    NOISE_LINE,
    QUOTE_START,
    SOCIAL_WORDS,
)

_CLOSING_HEAD = re.compile(
    r"^\s*(" + "|".join(re.escape(c) for c in sorted(CLOSINGS, key=len, reverse=True)) + r")"
    r"\s*(?:[,.!~\-–—]+\s*|\s+(?=[가-힣])|$)",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(r"\s*(?:" + "|".join(KO_SIGN_OFFS) + r")\s*\.?\s*$")
_KO_SENTENCE = re.compile(r"(?:니다|어요|에요|세요|아요|해요|했다|한다|네요|죠)[.!?~]*$")
_PROSE_WORDS = 9  # a line this long, mostly lower-case, without a number: the mail's body
MAX_LINE_CHARS = 300  # no signature line is longer
MAX_LINES = 60  # a signature or a card is a dozen lines; a longer block is read from its top


def meaningful_lines(text: str) -> list[str]:
    """The paste's lines that may hold a field, in order, stripped; blank lines dropped."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    raw = _before_quote(raw)
    first = next((i for i, line in enumerate(raw) if line.strip()), None)
    if first is not None:  # "add Jane Doe ...", "새 연락처\n김민수 ..."
        raw[first] = COMMAND.sub("", raw[first], count=1)
    out: list[str] = []
    in_disclaimer = False
    for line in raw:
        stripped = line.strip().strip("\u200b\ufeff")
        if len(stripped) > MAX_LINE_CHARS:
            continue
        if not stripped:
            in_disclaimer = False
            continue
        if in_disclaimer or DISCLAIMER.search(stripped):
            in_disclaimer = True
            continue
        if stripped.startswith(">") or NOISE_LINE.match(stripped) or GREETINGS.match(stripped):
            continue
        if SOCIAL_WORDS.match(stripped) and "@" not in stripped:
            continue
        kept = strip_closing(stripped)
        if not kept or _is_prose(kept) or _KO_SENTENCE.search(kept):
            continue
        out.append(kept)
        if len(out) == MAX_LINES:
            break
    return out


def strip_closing(line: str) -> str:
    """A line without its closing: "Best regards," -> '', "Thanks, Jane" -> "Jane",
    "김민수 드림" -> "김민수"."""
    while True:
        head = _CLOSING_HEAD.match(line)
        if head is None:
            break
        rest = line[head.end() :].strip()
        if rest and rest[:1].islower():  # "Best practices for ...": prose, not a closing
            break
        line = rest
    return _SIGN_OFF.sub("", line).strip().rstrip(",").strip()


def _before_quote(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if QUOTE_START.match(line):
            return lines[:i]
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if re.match(r"^\s*on\s", line, re.I) and nxt.lower().endswith("wrote:"):
            return lines[:i]
    return lines


def _is_prose(line: str) -> bool:
    words = [w for w in line.split() if w[:1].isalpha()]
    if len(words) < _PROSE_WORDS or any(ch.isdigit() for ch in line) or "@" in line:
        return False
    lower = sum(w[:1].islower() for w in words)
    return lower * 2 >= len(words) and not re.search(r"[|•·:]", line)
