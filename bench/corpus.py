"""A deterministic generator of synthetic, news-like articles for benchmarks."""

from __future__ import annotations

import random

FIRST = ["Ana", "Tomas", "Priya", "Lena", "Marco", "Ines", "Kofi", "Yara", "Jonas", "Mei"]
LAST = ["Ruiz", "Berg", "Nair", "Ode", "Bianchi", "Sousa", "Mensah", "Haddad", "Lind", "Chen"]
ROLES = ["Mayor", "Senator", "Governor", "Minister", "Council member", "Commissioner"]
TOPICS = [
    ("bus routes", "transport budget"),
    ("school meals", "education funding"),
    ("harbour bridge", "repair schedule"),
    ("water prices", "drought plan"),
    ("library hours", "weekend closures"),
    ("police cameras", "oversight board"),
    ("housing permits", "rent controls"),
    ("bike lanes", "road safety"),
]
VERBS = ["said", "told reporters", "argued", "warned", "added", "insisted", "wrote"]
FACTS = [
    "The {a} cost {n} million last year, up from {m} million the year before.",
    "Officials first proposed the {b} in {y}, but the plan stalled in committee.",
    "Critics of the {b} have long called for an independent review of the {a}.",
    "The council will vote on the {a} again at its next meeting in {month}.",
    "About {n} percent of residents backed the {b} in a survey published in {month}.",
]
QUOTES = [
    "We cannot keep delaying the {a} while families wait for answers",
    "The {b} is the most important thing we will pass this year",
    "Nobody in this city asked for a worse {a}, and nobody will get one",
    "I have read every page of the {b} and I still have questions about the {a}",
    "If the money is there, the {a} will be finished before winter",
]
MONTHS = ["January", "March", "May", "July", "September", "November"]


def article(seed: int, *, paragraphs: int = 9) -> str:
    """Return a distinct ~3 KB article with about 36 statements (quotes, reported, claims)."""
    rng = random.Random(seed)
    a, b = TOPICS[seed % len(TOPICS)]
    people = [(rng.choice(ROLES), rng.choice(FIRST), rng.choice(LAST)) for _ in range(3)]
    role, first, last = people[0]
    lines = [f"{first} {last} says the {a} plan is on track ({seed})", ""]
    lines.append(
        f"{role} {first} {last} announced on {rng.choice(MONTHS)} {seed % 28 + 1} that the "
        f"{a} would be reviewed, article {seed}."
    )
    for p in range(paragraphs):
        role, first, last = people[p % 3]
        n, m, y = rng.randint(2, 90), rng.randint(2, 90), rng.randint(1990, 2024)
        fill = {"a": a, "b": b, "n": n, "m": m, "y": y, "month": rng.choice(MONTHS)}
        quote = rng.choice(QUOTES).format(**fill)
        lines.append(f"“{quote},” {first} {last} {rng.choice(VERBS)}. “We owe that to {n} people.”")
        lines.append(rng.choice(FACTS).format(**fill))
        lines.append(f"{last} said the {b} would need {n} more staff by {y + 1}.")
        lines.append(rng.choice(FACTS).format(**fill))
    return "\n".join(lines) + "\n"
