"""The availability benchmark's report on rate plans (bench.availability): the same searches
on the same hotel with FLEX only (no calendar) and with several plans and a dense rate
calendar, side by side — RCU per search by table, the calendar's Queries and items, offers,
latency, searches/s under gunicorn — and the targets about plans.
"""

from __future__ import annotations

from bench.rate_seeding import PLAN_SPECS, PROMO_CODE

ONE_QUERY_PER_MONTH = (
    "calendar reads <= one Query per month the stay touches (none from the process's copy)"
)


def _configs(run: dict) -> list[tuple[str, dict]]:
    return list(run["rates"].items())


def print_rates(runs: list[dict]) -> None:
    """The comparison, one block per kind of figure, one line per size and configuration."""
    first = runs[0]["rates"]
    plans = next((c["setup"] for c in first.values() if c["setup"]["calendarItems"]), None)
    print()
    print("With rate plans: the same searches, FLEX only (no calendar) vs several plans")
    if plans:
        extra = ", ".join(s["ratePlan"] for s in PLAN_SPECS[4:])
        print(
            "  5 plans: FLEX, NONREF (-15 %, 0:0), BB (fixed +, 30 % deposit, child bands, "
            "breakfast), CORP (staff only), WEB (web only); 10 plans: also " + extra
        )
        print(
            "  calendar: a price and restrictions for every type x plan x date of the year "
            f"(5 plans: {plans['calendarItems']:,} items, ≈ {plans['calendarMeanBytes']} B "
            f"each); 30 % of the searches for 2 adults + a child of 5, 30 % with promo "
            f"{PROMO_CODE} (with plans); in process the channel is 'web', the API's 'api'"
        )
    header = (
        f"{'bookings':>9} {'hotel':<10} {'RCU':>6} {'stamp':>6} {'invent.':>7} {'calendar':>8} "
        f"{'promo':>6} {'catalog':>7} {'cal.Q':>6} {'months':>6} {'cal.items':>9} "
        f"{'offers':>6} {'p50 ms':>7} {'p95 ms':>7} {'cpu ms':>6}"
    )
    print(
        "steady state, rooms_search in process (promo read included), RCU per search by table; "
        "cpu ms: p50 of this process's CPU time (DynamoDB Local's excluded)"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        for name, c in _configs(run):
            s = c["steady"]
            print(
                f"{run['bookings']:>9,} {name:<10} {s['rcu']:>6.2f} {s['stamp']:>6.2f} "
                f"{s['inventory']:>7.2f} {s['calendar']:>8.2f} {s['promo']:>6.2f} "
                f"{s['catalog']:>7.2f} {s['calendarQueries']:>6.2f} {s['calendarMonths']:>6.2f} "
                f"{s['calendarItems']:>9.1f} {s['offers']:>6.1f} {s['p50Ms']:>7.1f} "
                f"{s['p95Ms']:>7.1f} {s['cpuP50Ms']:>6.1f}"
            )
    print("first search after a catalog change (room types, rooms, rules and plans reloaded):")
    for run in runs:
        for name, c in _configs(run):
            if "afterCatalogChange" in c:
                s = c["afterCatalogChange"]
                print(
                    f"{run['bookings']:>9,} {name:<10} {s['rcu']:>6.2f} {s['stamp']:>6.2f} "
                    f"{s['inventory']:>7.2f} {s['calendar']:>8.2f} {s['promo']:>6.2f} "
                    f"{s['catalog']:>7.2f} {'':>6} {'':>6} {'':>9} {s['offers']:>6.1f} "
                    f"{s['p50Ms']:>7.1f} {s['p95Ms']:>7.1f} {s['cpuP50Ms']:>6.1f}"
                )
    print("through the API (POST /api/rooms/availability, Django test client; channel 'api'):")
    for run in runs:
        for name, c in _configs(run):
            if "api" in c:
                a, m = c["api"], c["api"]["meanSplit"]
                print(
                    f"{run['bookings']:>9,} {name:<10} {a['meanRcu']:>6.2f} {m['stamp']:>6.2f} "
                    f"{m['inventory']:>7.2f} {m['calendar']:>8.2f} {m['promo']:>6.2f} "
                    f"{m['catalog']:>7.2f} {'':>6} {'':>6} {'':>9} {a['meanOffers']:>6.1f} "
                    f"{a['p50Ms']:>7.1f} {a['p95Ms']:>7.1f} {a['cpuP50Ms']:>6.1f}   "
                    f"{a['meanBytes'] / 1000:.0f} KB, statuses {a['statuses']}"
                )
    loaded = [(run, name, c) for run in runs for name, c in _configs(run) if "gunicorn" in c]
    if loaded:
        print("under gunicorn (the same searches as API requests):")
    for run, name, c in loaded:
        g = c["gunicorn"]
        print(
            f"{run['bookings']:>9,} {name:<10} {g['rps']:>6.1f} searches/s, p50 {g['p50Ms']:.0f} "
            f"ms, p95 {g['p95Ms']:.0f} ms ({g['workers']} workers x {g['threads']} threads, "
            f"{g['clients']} clients, {g['seconds']:.0f} s, {g['requests']:,} requests, "
            f"statuses {g['statuses']}, errors {g['errorRate']:.1%})"
        )


def _ratio(a: float, b: float) -> str:
    return f"x{b / a:.2f}" if a else "n/a"


def print_rates_targets(runs: list[dict], ok) -> None:
    """The targets about plans: at most one calendar Query per month (searches read the months
    from the process's copy under the catalog stamp); RCU growth with plans, measured."""
    matched = all(c["steady"]["calendarQueriesAsMonths"] for run in runs for _n, c in _configs(run))
    counts = ", ".join(
        f"{run['bookings']:,}: {c['steady']['calendarQueries']:.2f} Queries for "
        f"{c['steady']['calendarMonths']:.2f} months"
        for run in runs
        for name, c in _configs(run)[-1:]
    )
    print(
        f"  {ONE_QUERY_PER_MONTH} (check-in to check-out), whatever the plans: {ok(matched)} "
        f"(every search of every configuration; per search {counts})"
    )
    for run in runs:
        configs = dict(_configs(run))
        names = list(configs)
        base, five, ten = (configs[n]["steady"] for n in names[:3])
        print(
            f"  RCU per search with plans, {run['bookings']:,} bookings (reported as measured): "
            f"FLEX only {base['rcu']:.2f} -> {names[1]} {five['rcu']:.2f} -> {names[2]} "
            f"{ten['rcu']:.2f} ({_ratio(five['rcu'], ten['rcu'])} for x2 plans; calendar part "
            f"{five['calendar']:.2f} -> {ten['calendar']:.2f}, {five['calendarItems']:.0f} -> "
            f"{ten['calendarItems']:.0f} items in the same "
            f"{five['calendarQueries']:.2f} Queries)"
        )
