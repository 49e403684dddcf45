"""Deterministic, realistic demo contacts: varied names (English and Korean), companies,
titles, places, phones and lifecycle stages, so search and cards have something to show."""

from __future__ import annotations

import random
import re

FIRST = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Sofia",
    "Wei",
    "Mei",
    "Arjun",
    "Priya",
    "Yuki",
    "Hana",
    "Lucas",
    "Emma",
    "Noah",
    "Olivia",
    "Liam",
    "Ava",
    "Mateo",
    "Isabella",
    "Omar",
    "Fatima",
    "Jane",
    "Daniel",
    "Grace",
    "Samuel",
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
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Nguyen",
    "Chen",
    "Patel",
    "Tanaka",
    "O'Brien",
    "Doe",
]
KOREAN = [
    ("민준", "김"),
    ("서연", "이"),
    ("도윤", "박"),
    ("지우", "최"),
    ("하은", "정"),
    ("시우", "강"),
    ("수아", "조"),
    ("예준", "윤"),
]
COMPANIES = [
    ("Acme Corp", "acme.com"),
    ("Globex", "globex.com"),
    ("Initech", "initech.com"),
    ("Umbrella Health", "umbrella-health.com"),
    ("Stark Industries", "stark.com"),
    ("Wayne Enterprises", "wayne.com"),
    ("Hooli", "hooli.com"),
    ("Pied Piper", "piedpiper.com"),
    ("Northwind Traders", "northwind.com"),
    ("Contoso", "contoso.com"),
    ("Fabrikam", "fabrikam.com"),
    ("Tailspin Toys", "tailspintoys.com"),
    ("Soylent", "soylent.com"),
    ("삼성물산", "samsungcnt.com"),
    ("한빛소프트", "hanbitsoft.co.kr"),
]
TITLES = [
    "Account Executive",
    "Sales Manager",
    "VP of Sales",
    "Marketing Director",
    "Customer Success Manager",
    "CTO",
    "Software Engineer",
    "Product Manager",
    "Office Manager",
    "Procurement Lead",
    "CEO",
    "Support Specialist",
    "영업 팀장",
]
PLACES = [
    ("New York", "United States", "+1 212"),
    ("San Francisco", "United States", "+1 415"),
    ("Austin", "United States", "+1 512"),
    ("London", "United Kingdom", "+44 20"),
    ("Berlin", "Germany", "+49 30"),
    ("Toronto", "Canada", "+1 416"),
    ("Sydney", "Australia", "+61 2"),
    ("Seoul", "South Korea", "+82 2"),
    ("Busan", "South Korea", "+82 51"),
    ("Tokyo", "Japan", "+81 3"),
    ("Paris", "France", "+33 1"),
    ("São Paulo", "Brazil", "+55 11"),
]
STAGES = [
    "subscriber",
    "lead",
    "lead",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "customer",
    "evangelist",
]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def seed_demo(n: int, *, seed: int = 42) -> list[dict[str, str]]:
    """`n` contacts' property dicts, the same every time for a given seed; emails unique."""
    rng = random.Random(seed)
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for i in range(n):
        company, domain = rng.choice(COMPANIES)
        city, country, prefix = rng.choice(PLACES)
        if country == "South Korea" and rng.random() < 0.7:
            first, last = rng.choice(KOREAN)
            local = f"user{i + 1}"
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            local = f"{_slug(first)}.{_slug(last)}"
        email = f"{local}@{domain}"
        if email in seen:
            email = f"{local}{i + 1}@{domain}"
        seen.add(email)
        props = {
            "firstname": first,
            "lastname": last,
            "email": email,
            "company": company,
            "jobtitle": rng.choice(TITLES),
            "city": city,
            "country": country,
            "phone": f"{prefix} {rng.randint(200, 999)} {rng.randint(1000, 9999)}",
            "lifecyclestage": rng.choice(STAGES),
            "website": f"https://www.{domain}",
        }
        if rng.random() < 0.3:
            props["mobilephone"] = (
                f"{prefix.split()[0]} {rng.randint(100, 999)} "
                f"{rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            )
        out.append(props)
    return out
