"""Whether two contacts' names can be one person's: the name rules of `contacts.duplicates`.

A full name is compared in one folded form whichever order or field it was typed in (Korean
family name first, Western given name first; case, spacing and accents folded). Near-identical
names are the same family name with a given name that is a known short form (Jon/Jonathan), an
initial, a prefix or one typo away, or the same given name with a family name one typo away
(rapidfuzz's OSA distance, in words of 5 letters or more). Korean names are only ever equal or
not: one syllable apart is usually another person.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import OSA

from contacts.korean import COMPOUND_FAMILY_NAMES as COMPOUND
from contacts.korean import has_hangul
from contacts.model import Contact

# Short forms of English given names, by the full form they stand for.
_SHORT_FORMS = {
    "jonathan": ("jon", "john", "johnny", "jonny"),
    "john": ("jon", "johnny", "jack"),
    "robert": ("rob", "bob", "bobby", "robbie"),
    "william": ("will", "bill", "billy", "liam"),
    "james": ("jim", "jimmy", "jamie"),
    "michael": ("mike", "mick", "mikey"),
    "david": ("dave", "davey"),
    "thomas": ("tom", "tommy"),
    "katherine": ("kate", "kathy", "katie", "kat"),
    "catherine": ("cathy", "cat", "kate"),
    "elizabeth": ("liz", "beth", "lizzy", "eliza", "betty"),
    "alexander": ("alex", "sasha"),
    "alexandra": ("alex", "sandra"),
    "christopher": ("chris",),
    "christina": ("chris", "tina"),
    "daniel": ("dan", "danny"),
    "joseph": ("joe", "joey"),
    "matthew": ("matt",),
    "nicholas": ("nick", "nicky"),
    "samuel": ("sam", "sammy"),
    "samantha": ("sam",),
    "stephen": ("steve",),
    "steven": ("steve",),
    "anthony": ("tony",),
    "benjamin": ("ben", "benny"),
    "andrew": ("andy", "drew"),
    "richard": ("rick", "rich", "dick"),
    "margaret": ("maggie", "meg", "peggy"),
    "jennifer": ("jen", "jenny"),
    "patricia": ("pat", "patty", "trish"),
    "edward": ("ed", "eddie", "ted"),
    "charles": ("charlie", "chuck"),
}
_SHORT_PAIRS = frozenset(
    frozenset((full, short)) for full, shorts in _SHORT_FORMS.items() for short in shorts
)
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case, accents off, single-spaced: how two spellings of one word compare."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORDS.findall(unicodedata.normalize("NFC", plain)))


def name_key(contact: Contact) -> str:
    """The full name in one comparable form, whichever order or field it was typed in: Korean
    names unspaced in either field order ("김민지"), others as their words in sorted order."""
    first, last = fold(contact.get("firstname")), fold(contact.get("lastname"))
    if not (first or last):
        return ""
    if has_hangul(first + last):
        given, family = first.replace(" ", ""), last.replace(" ", "")
        swapped = family not in COMPOUND and (given in COMPOUND or len(given) < len(family))
        if given and family and swapped:
            # typed the other way round: the family name is the two-syllable one (남궁, 제갈)
            # or, most often, the one-syllable part
            given, family = family, given
        return family + given  # as Koreans write it: "김민지", whichever fields held it
    return " ".join(sorted((first + " " + last).split()))


def given_family(contact: Contact) -> tuple[str, str]:
    return fold(contact.get("firstname")), fold(contact.get("lastname"))


def _near(x: str, y: str) -> bool:
    """One typo apart (a letter added, dropped, changed or two swapped), in words of 5 letters
    or more: "Jonhson" is "Johnson", but "Mark" is not "Mary" and "Martin" not "Martinez"."""
    return min(len(x), len(y)) >= 5 and OSA.distance(x, y) <= 1


def _same_given(x: str, y: str) -> bool:
    """Given names that can be one person's: equal, a known short form, a typo, or one the
    start of the other ("Jon" of "Jonathan")."""
    x, y = x.split()[0], y.split()[0]
    return (
        x == y
        or (len(x) == 1 and y.startswith(x))  # an initial: "J. Smith"
        or (len(y) == 1 and x.startswith(y))
        or frozenset((x, y)) in _SHORT_PAIRS
        or _near(x, y)
        or (min(len(x), len(y)) >= 3 and (x.startswith(y) or y.startswith(x)))
    )


def similar_names(a: Contact, b: Contact) -> bool:
    """Near-identical full names (rapidfuzz's edit distance): the same family name and given
    names that can be one person's, or the same given name and a family name one typo away;
    either field order. Not Korean names (see the module docstring)."""
    (first_a, last_a), (first_b, last_b) = given_family(a), given_family(b)
    if has_hangul(first_a + last_a + first_b + last_b):
        return False
    for first, last in ((first_b, last_b), (last_b, first_b)):
        if not (first_a and last_a and first and last):
            continue
        if last_a == last and _same_given(first_a, first):
            return True
        if first_a == first and _near(last_a, last):
            return True
    return False


def different_names(a: Contact, b: Contact) -> bool:
    """Full names in one script that cannot be one person's: then a shared number is an office
    line, not a duplicate. A name in one field only, or in two scripts ("김민지" and "Minji
    Kim"), cannot tell."""
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b or key_a == key_b or has_hangul(key_a) != has_hangul(key_b):
        return False
    if has_hangul(key_a):
        return True
    if not all(given_family(a)) or not all(given_family(b)):
        return False
    return not similar_names(a, b)
