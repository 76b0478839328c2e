"""Small synthetic news articles for tests (invented places and people)."""

from __future__ import annotations

HARBOUR = """Harbour bridge repairs will finish by spring, mayor says

The harbour bridge will reopen to traffic by the end of March, Mayor Ana Ruiz announced Tuesday.
“We are ahead of schedule and under budget,” Ruiz said at a news conference. “Every lane will be open before the spring festival.”
The bridge has been closed since a barge struck one of its pillars in October.
City engineer Tomas Berg said the new pillar had passed its load tests.
“I would not let my own family drive on it otherwise,” he told reporters.
"""

LIBRARY = """Library budget cut by a fifth, council confirms

The city council voted 7-2 on Monday to cut the public library's budget by 20 percent.
Council member Priya Nair said the cut would close two branches on weekends.
“This is a short-sighted decision that hurts children first,” Nair said.
Mayor Ana Ruiz defended the vote, saying the city had to balance its books.
“Nobody likes these choices, but the deficit is real,” Ruiz said.
"""


def numbered_article(n: int) -> str:
    """Return a distinct ~1 KB article about council meeting number ``n``."""
    return (
        f"Council meeting {n} approves new bus routes\n\n"
        f"The council approved {n + 3} new bus routes at its meeting number {n} on Monday.\n"
        f"“Route {n} will serve the northern districts every ten minutes,” "
        f"transport chief Lena Ode said.\n"
        f"Ode said the routes would cost {n * 10} thousand a year to run.\n"
        "Residents have asked for better buses for years, according to a survey by the council.\n"
        f"The first of the {n + 3} routes opens next month.\n"
    )
