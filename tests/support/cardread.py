"""Reading a sent card the way a person sees it, whatever elements hold the text.

CRM values sit in RichTextBlock TextRuns (plain text in every host), the bot's own words in
TextBlocks; tests read both through these helpers instead of indexing into the JSON."""

from __future__ import annotations

from typing import Any


def element_text(element: dict[str, Any]) -> str:
    """The visible text of one TextBlock or RichTextBlock ('' for anything else)."""
    if element.get("type") == "TextBlock":
        return str(element.get("text", ""))
    if element.get("type") == "RichTextBlock":
        return "".join(str(run.get("text", "")) for run in element.get("inlines", []))
    return ""


def heading(card: dict[str, Any]) -> str:
    """The card's first line (its title)."""
    return element_text(card["body"][0])


def facts(card: dict[str, Any]) -> dict[str, str]:
    """The label -> value rows of a contact or confirmation card, in order."""
    rows: dict[str, str] = {}
    for element in card["body"]:
        if element.get("id") != "facts":
            continue
        for row in element["items"]:
            if "columns" in row:  # a label column beside a value column
                label, value = (element_text(col["items"][0]) for col in row["columns"])
            else:  # the label above its value
                label, value = (element_text(item) for item in row["items"][:2])
            rows[label] = value
    return rows


def texts(node: Any) -> list[str]:
    """Every text a person can read on the card, depth first."""
    found: list[str] = []
    if isinstance(node, dict):
        text = element_text(node)
        if text:
            found.append(text)
        for key, value in node.items():
            if key != "inlines":
                found.extend(texts(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(texts(value))
    return found
