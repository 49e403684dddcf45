""" "Find duplicates" on a planted data set: how many planted pairs it finds, how many of the pairs
it shows are not planted, and the HubSpot calls it makes.

    python -m bench.duplicates [--contacts 2000] [--pairs 100] [--seed 7]    (or: make bench)

A local HubSpot gets `--contacts` contacts, deterministic from `--seed`: distinct people (names
drawn from small English and Korean pools, so the same name at another company, and similar
names at one company, are common) at 60 companies, a fifth of them on their company's shared
office line (colleagues, not duplicates), and `--pairs` of them typed a second time,
in equal shares of five kinds: the same phone typed another way (and a short first name), the
same name in the other order at the company spelled another way, the same Korean name in one
field instead of two, the same name with another address at the same work domain, and a typo in
the name at the same company. Three ways to find them, through the adapter (official SDK):

- everyone: every contact read (paged by id), pairs judged in memory;
- per contact: the check before a create, for each planted second entry, and for as many
  people typed only once (any pair shown to them is a false alarm);
- per company: for each of the 10 largest companies.

Printed: recall (planted pairs found / planted), false rate (shown pairs not planted / shown),
searches and other calls. Aim: recall >= 95%, false rate < 5%. Exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from collections import Counter

from contacts.budget import RequestBudget
from contacts.duplicate_search import DuplicateFinder
from contacts.duplicates import DuplicatePair, company_key
from contacts.hubspot import HubSpotAdapter
from hubspot_local import create_app
from hubspot_local.server import RunningHubSpot, serve

TOKEN = "pat-bench-duplicates"
FIRST = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Susan",
    "Richard",
    "Jessica",
    "Joseph",
    "Sarah",
    "Thomas",
    "Karen",
    "Daniel",
    "Diana",
    "Matthew",
    "Nancy",
    "Anthony",
    "Lisa",
    "Mark",
    "Betty",
    "Steven",
    "Sandra",
    "Andrew",
    "Ashley",
    "Kevin",
    "Emily",
    "Brian",
    "Donna",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
]
KO_FAMILY = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"]
KO_GIVEN = [
    "민준",
    "서연",
    "도윤",
    "지우",
    "하준",
    "서윤",
    "은우",
    "지민",
    "시우",
    "하은",
    "주원",
    "민서",
    "지호",
    "수아",
    "예준",
    "지유",
    "현우",
    "채원",
    "준서",
    "다은",
]
SHORT = {
    "James": "Jim",
    "John": "Jon",
    "Robert": "Bob",
    "Michael": "Mike",
    "William": "Bill",
    "Elizabeth": "Liz",
    "David": "Dave",
    "Richard": "Rick",
    "Joseph": "Joe",
    "Thomas": "Tom",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Anthony": "Tony",
    "Steven": "Steve",
    "Andrew": "Andy",
    "Jennifer": "Jen",
    "Patricia": "Pat",
}
COMPANY_WORDS = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Wonka",
    "Gringotts",
    "Oscorp",
    "Aperture",
    "Massive",
    "Dynamic",
    "Hanbit",
    "Saebyeok",
    "Mirae",
]
SUFFIXES = ["Inc.", "Corp", "Ltd", "LLC", "Co."]
FREE = ["gmail.com", "naver.com", "outlook.com"]
KINDS = ["phone", "name_order", "korean_fields", "email_domain", "typo"]


def companies(rng: random.Random) -> list[tuple[str, str]]:
    """60 (name, domain) pairs, e.g. ("Acme Robotics", "acmerobotics.com")."""
    out: list[tuple[str, str]] = []
    tails = ["Robotics", "Foods", "Labs", "Systems", "Partners", "Media"]
    for word in COMPANY_WORDS:
        for tail in rng.sample(tails, 3):
            out.append((f"{word} {tail}", f"{word}{tail}.com".lower()))
    return out


def person(rng: random.Random, i: int, company: tuple[str, str]) -> dict[str, str]:
    korean = rng.random() < 0.3
    if korean:
        first, last = rng.choice(KO_GIVEN), rng.choice(KO_FAMILY)
        local = f"user{i}"
    else:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        local = f"{first}.{last}{i}".lower()
    domain = company[1] if rng.random() < 0.7 else rng.choice(FREE)
    props = {
        "firstname": first,
        "lastname": last,
        "company": company[0],
        "email": f"{local}@{domain}",
    }
    draw = rng.random()
    if draw < 0.6:
        props["phone"] = f"+1415{2000000 + i:07d}"
    elif draw < 0.8:  # the office line, shared with colleagues: not a duplicate
        main = 5550000 + sum(map(ord, company[0])) % 10000
        props["phone"] = rng.choice(
            [f"+1212{main:07d}", f"(212) {main // 10000:03d}-{main % 10000:04d}"]
        )
    return props


def typo(word: str, rng: random.Random) -> str:
    j = rng.randrange(1, len(word) - 1)
    return word[:j] + word[j + 1] + word[j] + word[j + 2 :]  # two letters swapped


def twin(kind: str, p: dict[str, str], i: int, rng: random.Random) -> dict[str, str] | None:
    """The same person typed again, the `kind` way; None when `p` cannot be typed that way."""
    korean = "\uac00" <= p["firstname"][0] <= "\ud7a3"
    company, domain = p["company"], p["email"].rpartition("@")[2]
    other = f"again{i}@{rng.choice(FREE)}"
    own_line = p.get("phone", "").startswith("+1415")
    if kind == "phone" and own_line and not korean and p["firstname"] in SHORT:
        national = p["phone"][2:]
        typed = f"({national[:3]}) {national[3:6]}-{national[6:]}"
        return {
            "firstname": SHORT[p["firstname"]],
            "lastname": p["lastname"],
            "phone": typed,
            "email": other,
            "company": company.upper(),
        }
    if kind == "name_order" and not korean:
        return {
            "firstname": p["lastname"].upper(),
            "lastname": p["firstname"].upper(),
            "company": f"{company} {rng.choice(SUFFIXES)}",
            "email": other,
        }
    if kind == "korean_fields" and korean:
        return {
            "firstname": p["lastname"] + p["firstname"],
            "company": f"(주){company}",
            "email": other,
        }
    if kind == "email_domain" and domain not in FREE:
        return {
            "firstname": p["firstname"],
            "lastname": p["lastname"],
            "email": f"x{i}.{p['email']}",
            "jobtitle": "Manager",
        }
    if kind == "typo" and not korean and len(p["lastname"]) >= 5:
        return {
            "firstname": p["firstname"],
            "lastname": typo(p["lastname"], rng),
            "company": company,
            "email": other,
        }
    return None


def planted_set(total: int, pairs: int, seed: int) -> tuple[list[dict[str, str]], list[int]]:
    """Contacts (in insertion order) and, for each planted pair, the index of its original;
    the twin of pair k is contact total - pairs + k. People are unique by name at a company
    and at a work domain, so every pair the rules may find is planted or a near-name."""
    rng = random.Random(seed)
    firms = companies(rng)
    base: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    i = 0
    while len(base) < total - pairs:
        p = person(rng, i, rng.choice(firms))
        i += 1
        name = "".join(sorted((p["firstname"] + p["lastname"]).lower()))
        keys = {(name, p["company"]), (name, p["email"].rpartition("@")[2])}
        if keys & seen:
            continue
        seen |= keys
        base.append(p)
    twins: list[dict[str, str]] = []
    originals: list[int] = []
    while len(twins) < pairs:
        k = rng.randrange(len(base))
        if k in originals:
            continue
        made = twin(KINDS[len(twins) % len(KINDS)], base[k], len(twins), rng)
        if made is not None:
            twins.append(made)
            originals.append(k)
    return base + twins, originals


def score(
    found: list[DuplicatePair], planted: set[frozenset[str]], scope: set[frozenset[str]]
) -> tuple[int, int, int, int]:
    shown = {p.ids for p in found}
    hits = len(shown & scope)
    false = len(shown - planted)
    return hits, len(scope), false, len(shown)


def report(name: str, hits: int, wanted: int, false: int, shown: int, searches: int) -> bool:
    recall = hits / wanted if wanted else 1.0
    rate = false / shown if shown else 0.0
    print(
        f"{name:<12} found {hits:>3}/{wanted:<3} planted pairs (recall {recall:6.1%}), "
        f"{false:>3} false of {shown:>4} shown (false rate {rate:5.1%}), {searches:>4} searches"
    )
    return recall >= 0.95 and rate < 0.05


async def main(total: int, pairs: int, seed: int) -> int:
    people, originals = planted_set(total, pairs, seed)
    running: RunningHubSpot = await serve(create_app(token=TOKEN, rate_limits=None))
    adapter = HubSpotAdapter(TOKEN, host=running.url, budget=RequestBudget())
    try:
        await running.store.bulk_insert(people, backdate_days=365)
        first_id = min(r.id for r in (await running.store.page(0, 1))[0])
        cid = [str(first_id + n) for n in range(len(people))]
        planted = {frozenset((cid[k], cid[total - pairs + j])) for j, k in enumerate(originals)}
        kinds = Counter(KINDS[j % len(KINDS)] for j in range(pairs))
        print(f"{total} contacts, {pairs} planted pairs ({dict(kinds)}), seed {seed}")
        ok = True

        find = DuplicateFinder(adapter, action_seconds=600)
        found = await find.all_pairs()
        ok &= report("everyone", *score(found, planted, planted), find.searches)

        find = DuplicateFinder(adapter, action_seconds=600)
        by_id = {c.id: c for c in await find.everyone()}
        find.searches = 0
        shown: list[DuplicatePair] = []
        for j in range(pairs):
            shown += await find.for_contact(by_id[cid[total - pairs + j]])
        ok &= report("per contact", *score(shown, planted, planted), find.searches)

        # the same check for people typed once: any pair shown is a false alarm on a create
        alone = [cid[k] for k in range(total - pairs) if k not in set(originals)]
        sample = random.Random(seed).sample(alone, min(pairs, len(alone)))
        find.searches = 0
        alarms = [bool(await find.for_contact(by_id[i])) for i in sample]
        rate = sum(alarms) / len(alarms) if alarms else 0.0
        print(
            f"{'no twin':<12} {sum(alarms):>3} of {len(alarms)} people typed once were shown a "
            f"possible duplicate (false alarm rate {rate:5.1%}), {find.searches:>4} searches"
        )
        ok &= rate < 0.05

        sizes = Counter(company_key(c.get("company")) for c in by_id.values())
        names = {company_key(c.get("company")): c.get("company") for c in by_id.values()}
        largest = [k for k, _ in sizes.most_common(10) if k]
        find.searches = 0
        shown = []
        for key in largest:
            shown += await find.for_company(names[key])
        in_scope = {
            ids
            for ids in planted
            if all(company_key(by_id[i].get("company")) in largest for i in ids)
            and len({company_key(by_id[i].get("company")) for i in ids}) == 1
        }
        ok &= report("per company", *score(shown, planted, in_scope), find.searches)
        calls = {k: v.total for k, v in running.counters.snapshot().items() if v.total}
        print(f"HubSpot calls by route: {calls} (searches at most 5 a second: RequestBudget)")
        return 0 if ok else 1
    finally:
        adapter.close()
        await running.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.contacts, args.pairs, args.seed)))
