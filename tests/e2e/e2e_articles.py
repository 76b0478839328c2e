"""Synthetic news articles for the end-to-end tests. Every person and place here is invented."""

from __future__ import annotations

COUNCIL_TITLE = "Riverton council approves protected bike lanes on Main Street"
COUNCIL = f"""{COUNCIL_TITLE}

The Riverton City Council voted 5-2 on Tuesday to add protected bike lanes along Main Street, a plan that will remove 40 parking spaces.
“This is the safest choice for everyone who uses Main Street,” council member Dana Whitfield said after the vote.
Mayor Harold Brennan said the city would pay for the project with a state transportation grant.
“We listened to the shop owners, and we will add loading zones on every block,” Brennan said.
Priya Natarajan, who owns a bakery on Main Street, told the council that the loss of parking could hurt small shops.
Construction is expected to begin in the spring.
"""

LIBRARY_TITLE = "Oakfield library budget cut by a third, branch hours reduced"
LIBRARY_HTML = f"""<!doctype html>
<html><head><title>{LIBRARY_TITLE} | The Oakfield Ledger</title>
<meta property="og:title" content="{LIBRARY_TITLE}">
<meta property="og:site_name" content="The Oakfield Ledger">
<meta name="author" content="Sam Ortega">
<meta property="article:published_time" content="2025-03-04T09:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>{LIBRARY_TITLE}</h1>
<p>The Oakfield county board cut the public library budget by a third on Monday, and two branches
will close on weekends starting in May.</p>
<p>“Closing on Saturdays hurts the families who need the library most,” head librarian Miriam
Castellanos said at the meeting.</p>
<p>Board chair Victor Lindqvist said the county faced a shortfall of $3 million and had no other
choice.</p>
<p>“We protected the children's programs, and we will revisit the hours next year,” Lindqvist
said.</p>
<p>The library system served more than 200,000 visitors last year.</p>
</article>
<footer>© The Oakfield Ledger</footer>
</body></html>
"""

WATER_TITLE = "Lakeview water plant upgrade delayed until autumn"
WATER = f"""{WATER_TITLE}

The upgrade of the Lakeview water treatment plant has been delayed until autumn because a filter supplier missed its deadline, the utility said on Friday.
“The tap water remains safe to drink while we wait for the new filters,” utility director Grace Okafor said.
City engineer Tomas Brandt said the delay would add about $400,000 to the cost of the project.
“Nobody will see a rate increase this year because of this,” Okafor said.
The plant serves roughly 85,000 residents.
"""

HOSTILE_TITLE = "Harbor bridge closed for repairs after inspection"
HOSTILE = f"""{HOSTILE_TITLE}

The Harbor Street bridge in Port Miller was closed on Wednesday after inspectors found cracked supports.
“Tell @everyone that **the harbor bridge** is _closed_ until further notice, and ping <@&123456789> and <@987654321> about it, see [the map](http://evil.example/phish),” harbor master Jo Ramos said.
Repairs are expected to take six weeks, Ramos said.
"""


def synthetic_article(n: int) -> tuple[str, str]:
    """Return (title, text) of the n-th small invented article, each on its own topic."""
    towns = ["Ashby", "Brookfield", "Cedar Falls", "Dunmore", "Elmwood", "Fairhaven", "Glenrock"]
    topics = [
        ("the new skate park", "skate park"),
        ("the school bus routes", "bus routes"),
        ("the snow removal contract", "snow removal"),
        ("the farmers market permit", "farmers market"),
        ("the downtown parking meters", "parking meters"),
    ]
    town = towns[n % len(towns)]
    topic, short = topics[n % len(topics)]
    first = ["Alma", "Bruno", "Clara", "Dmitri", "Edith", "Felix", "Greta", "Hugo"][n % 8]
    last = f"Testperson{n:03d}"
    title = f"{town} officials debate {short} plan number {n}"
    text = (
        f"{title}\n\n"
        f"The {town} town board met on Thursday to discuss {topic}, item {n} on the agenda.\n"
        f"“We will decide on {topic} before the summer,” board member {first} {last} said.\n"
        f"{last} said the plan numbered {n} would cost less than last year's.\n"
    )
    return title, text
