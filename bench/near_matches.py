"""Accuracy of "Did you mean ...?" over planted typos, and the HubSpot searches it costs.

Seeds the local HubSpot's store with demo contacts (`seed_demo`: English and Korean names),
then for each of a few hundred contacts types its name with one typo planted (a letter
changed, added, dropped or two swapped; for a Korean name one jamo changed: 김민중 for 김민준)
and asks `ContactsService.near` for suggestions, its searches answered by the local API's own
parser and SQL (`parse_search` + `run_search`: no HTTP, the same results). A typo that spells
another contact's name exactly is skipped: the plain search would have found that one.

    .venv/bin/python -m bench.near_matches [--contacts 10000] [--typos 400]

Printed as rates: the name meant offered first, offered among the five, nothing offered, and
the mean number of HubSpot searches per attempt. Aims: first >= 0.85, among five >= 0.95,
searches <= 2 (the most `contacts.near` makes). Exit status 1 when one is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from contacts.model import Contact, SearchPage
from contacts.near import MAX_SEARCHES, name_words
from contacts.service import ContactsService
from hubspot_local import SearchLimits, seed_demo
from hubspot_local.db import Database
from hubspot_local.index import run_search
from hubspot_local.search import parse_search
from hubspot_local.store import ContactStore

LETTERS = "abcdefghijklmnopqrstuvwxyz"


class BareSearch:
    """The local API's search without HTTP: what `ContactsService.near` needs, counted."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._limits = SearchLimits()
        self.calls = 0

    async def search(self, body: Mapping[str, Any]) -> SearchPage:
        self.calls += 1
        total, docs = run_search(self._conn, parse_search(dict(body), self._limits))
        return SearchPage(total, [Contact(str(d["id"]), d["props"]) for d in docs])

    def search_is_free(self) -> bool:
        return True


def latin_typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    kind = rng.choice(["sub", "ins", "del", "swap"])
    if kind == "ins":
        return word[:i] + rng.choice(LETTERS) + word[i:]
    if kind == "del" and len(word) > 3:
        return word[:i] + word[i + 1 :]
    if kind == "swap" and i + 1 < len(word) and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice([c for c in LETTERS if c != word[i].lower()]) + word[i + 1 :]


def jamo_typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    initial, rest = divmod(ord(word[i]) - 0xAC00, 21 * 28)
    medial, final = divmod(rest, 28)
    part = rng.choice(["initial", "medial", "final"])
    if part == "initial":
        initial = rng.choice([x for x in range(19) if x != initial])
    elif part == "medial":
        medial = rng.choice([x for x in range(21) if x != medial])
    else:
        final = rng.choice([x for x in (0, 4, 8, 16, 21) if x != final])
    return word[:i] + chr(0xAC00 + (initial * 21 + medial) * 28 + final) + word[i + 1 :]


def typed_name(first: str, last: str, rng: random.Random) -> tuple[str, list[str]]:
    """The name as a user might mistype it, and the words they meant: Korean unspaced, family
    name first; English as "First Last" with the typo in one of the two, or the last name
    alone (then any contact of that family name is a right answer)."""
    if (first + last).isascii():
        shape = rng.choice(["first", "last", "alone"])
        if shape == "alone":
            return latin_typo(last, rng), [last.lower()]
        if shape == "first":
            return f"{latin_typo(first, rng)} {last}", [first.lower(), last.lower()]
        return f"{first} {latin_typo(last, rng)}", [first.lower(), last.lower()]
    return jamo_typo(last + first, rng), [last, first]


def full(first: str, last: str) -> str:
    return " ".join(name_words(Contact("", {"firstname": first, "lastname": last}).full_name))


def right(meant: list[str], contact: Contact) -> bool:
    """Is `contact` one the user meant: every word they meant is one of its name's words."""
    words = name_words(contact.get("firstname")) + name_words(contact.get("lastname"))
    return all(w in words for w in meant)


async def run(contacts: int, typos: int) -> dict[str, float]:
    rng = random.Random(11)
    with tempfile.TemporaryDirectory(prefix="bench_near_") as tmp:
        path = str(Path(tmp) / "contacts.sqlite3")
        store = ContactStore(Database(path))
        people = seed_demo(contacts)
        await store.bulk_insert(people, backdate_days=365)
        names = {full(p["firstname"], p["lastname"]) for p in people}
        surnames = {p["lastname"].lower() for p in people}
        conn = sqlite3.connect(path)
        adapter = BareSearch(conn)
        service = ContactsService(adapter)  # type: ignore[arg-type]  # search alone is used
        first = five = none = tried = 0
        while tried < typos:
            person = rng.choice(people)
            typed, meant = typed_name(person["firstname"], person["lastname"], rng)
            if " ".join(name_words(typed)) in names or typed.lower() in surnames:
                continue  # spells another contact's name: the plain search finds that one
            tried += 1
            offered = await service.near(typed)
            first += bool(offered) and right(meant, offered[0])
            five += any(right(meant, c) for c in offered)
            none += not offered
        conn.close()
        await service.aclose()
        await store.close()
    return {
        "offered first": first / tried,
        "offered among five": five / tried,
        "nothing offered": none / tried,
        "searches per attempt": adapter.calls / tried,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=10_000)
    ap.add_argument("--typos", type=int, default=400)
    args = ap.parse_args(argv)
    rates = asyncio.run(run(args.contacts, args.typos))
    print(f"near matches over {args.typos} planted typos in {args.contacts:,} contacts")
    for name, value in rates.items():
        print(f"  {name:<22} {value:.3f}")
    ok = (
        rates["offered first"] >= 0.85
        and rates["offered among five"] >= 0.95
        and rates["searches per attempt"] <= MAX_SEARCHES
    )
    print("aims: first >= 0.85, among five >= 0.95, searches <= 2:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
