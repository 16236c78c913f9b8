"""Which Lambda function serves what, and which tables its code can touch — derived from code.

The project deploys as one function ("all", stages dev/prod) or as three (prod_rooms,
prod_bookings, prod_payments) that share one codebase and one schema; CloudFront routes by
path (infra/cloudfront.yaml). A function's tables are not listed by hand: they are the
registered PynamoDB models (hotel/dynamo/) defined in a module that the function's entry
modules, or the request stack every function runs (settings.MIDDLEWARE, the session engine,
the auth backends, DRF's authentication), import directly or transitively. The IAM policies
in infra/iam/ are generated from this and tests/deploy/test_iam.py checks them against it,
so a new table or a new import that reaches one fails the test until the policy follows.

A model counts when its module is reached *and* some reached module names the model's class
(a load, an attribute, a type hint; import lines and the class statement itself do not count):
a function that reaches bookings.models only for RoomNight is not granted the bookings table.
Code another app registers into a lower one (a hook run through a registry, such as the room
in-use checks bookings adds to rooms.usage) is not an import: the function lists that module
in its `entry`, with the reason beside it.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("hotel", "rooms", "bookings", "payments")


@dataclass(frozen=True)
class Function:
    name: str
    entry: tuple[str, ...]  # modules (or dotted paths) whose code the function runs
    routes: tuple[str, ...]  # CloudFront path patterns sent to it ("*" = the default route)
    stages: tuple[str, ...]  # Zappa stages deploying it
    description: str = ""
    extra: dict = field(default_factory=dict)


FUNCTIONS: dict[str, Function] = {
    "rooms": Function(
        name="rooms",
        # rooms.usage runs the in-use checks other apps register (bookings: a room's or a
        # room type's live stays, before a delete) and rooms.stock the shifter of the nights'
        # counters (bookings.capacity: a room or an overbooking limit changes what a type
        # can sell); a registry is not an import, so the modules are named here.
        # Its URL conf (HOTEL_FUNCTION=rooms) holds rooms' API and a room's out-of-order
        # periods, which bookings serves under /api/rooms/ (bookings.api.out_of_order_urls).
        entry=(
            "hotel.urls_rooms",
            "bookings.room_state",
            "bookings.type_usage",
            "bookings.capacity",
        ),
        routes=("/api/rooms", "/api/rooms/*", "/api/room-types", "/api/room-types/*"),
        stages=("prod_rooms",),
        description="room catalogue and room types API (public reads, manager writes)",
    ),
    "payments": Function(
        name="payments",
        entry=("hotel.urls_payments",),  # its URL conf (HOTEL_FUNCTION=payments)
        routes=(
            "/api/payments",
            "/api/payments/*",
            "/api/bookings/*/cancellation-quote",
            "/webhooks/*",
        ),
        stages=("prod_payments",),
        description="payments API, refunds, cancellation quotes, the Stripe webhook",
    ),
    "bookings": Function(
        name="bookings",
        # The default route: bookings API, availability, guest pages, the admin, health;
        # plus the scheduled jobs and the domain events EventBridge delivers (whose
        # subscribers live in bookings.emails and payments.emails and run in this function;
        # so do the webhook renderers bookings.webhooks and payments.webhooks register).
        # bookings.capacity runs for the admin's room and room-type writes (rooms.stock).
        entry=(
            "hotel.urls",
            "hotel.awslambda",
            "hotel.jobs",
            "bookings.emails",
            "payments.emails",
            "bookings.webhooks",
            "payments.webhooks",
            "bookings.capacity",
        ),
        # Availability is a bookings read although it sits under /api/rooms/.
        routes=("/api/rooms/availability", "*"),
        stages=("prod_bookings",),
        description="bookings, availability, guest pages, iCal feeds, admin, scheduled jobs, "
        "domain events",
    ),
}
# The single-function deployment (stages dev and prod) runs everything.
ALL = Function(
    name="all",
    entry=tuple(sorted({m for f in FUNCTIONS.values() for m in f.entry})),
    routes=("*",),
    stages=("dev", "prod"),
    description="everything (single-function deployment)",
)


def all_functions() -> dict[str, Function]:
    return {**FUNCTIONS, "all": ALL}


def function_for_path(path: str) -> Function:
    """The function CloudFront sends `path` to: exact patterns first, then the longest."""
    import fnmatch

    patterns = sorted(
        ((route, f) for f in FUNCTIONS.values() for route in f.routes if route != "*"),
        key=lambda pair: ("*" in pair[0], -len(pair[0])),
    )
    for route, function in patterns:
        if fnmatch.fnmatchcase(path, route):
            return function
    return FUNCTIONS["bookings"]  # the default behaviour


def function_for_stage(stage: str) -> Function:
    for function in all_functions().values():
        if stage in function.stages:
            return function
    raise KeyError(f"No function is deployed by the Zappa stage {stage!r}.")


# --- the import graph ------------------------------------------------------------------------


def module_file(module: str) -> Path | None:
    path = REPO.joinpath(*module.split("."))
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    return None


def as_module(dotted: str) -> str | None:
    """The longest prefix of a dotted path that is a project module."""
    parts = dotted.split(".")
    while parts:
        name = ".".join(parts)
        if parts[0] in PROJECT_PACKAGES and module_file(name):
            return name
        parts.pop()
    return None


def import_statements(path: Path, module: str) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each import in the file, anywhere in its body (functions included), relative ones
    resolved: `import a.b` is ("a.b", ()), `from .x import y` in package p is ("p.x", ("p.x.y",)).

    The base and the names it brings are kept apart because the two readers differ: the IAM
    closure counts both, the layering (import_graph) only the most specific module named.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            yield (
                base,
                tuple(f"{base}.{alias.name}" if base else alias.name for alias in node.names),
            )


@functools.cache
def imports_of(module: str) -> frozenset[str]:
    """Project modules `module` imports anywhere in its body (functions included)."""
    path = module_file(module)
    if path is None:
        return frozenset()
    found: set[str] = set()
    for base, members in import_statements(path, module):
        for name in (base, *members):
            resolved = as_module(name)
            if resolved:
                found.add(resolved)
    return frozenset(found)


def project_modules(root: Path = REPO) -> dict[str, Path]:
    """Every module of the project packages under `root` by dotted name (a package by its own
    name, not `.__init__`), migrations aside: the product code the layering rules speak of."""
    modules: dict[str, Path] = {}
    for package in PROJECT_PACKAGES:
        if not (root / package).is_dir():
            continue
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def import_graph(root: Path = REPO) -> dict[str, frozenset[str]]:
    """module -> the project modules it imports, for the layering test (tests/test_layers.py).

    Each import counts at the most specific module it names: `from bookings import models`
    is an edge to bookings.models only, not to the bookings package as well (which would make
    every package and its submodules look like a circle). A name that is not a module
    (`from bookings.models import Booking`) counts as the module it comes from. Self-imports
    and imports from outside the project are dropped. Same rules as the shared layers tool.
    """
    modules = project_modules(root)

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, frozenset[str]] = {}
    for module, path in modules.items():
        named: set[str] = set()
        for base, members in import_statements(path, module):
            named.update(member if member in modules else base for member in members or (base,))
        graph[module] = frozenset({resolve(name) for name in named} - {None, module})
    return graph


def closure(entry: tuple[str, ...]) -> set[str]:
    """Every project module reachable from `entry` (parents of a module included)."""
    seen: set[str] = set()
    todo = [m for m in (as_module(e) for e in entry) if m]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        parts = module.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        todo.extend(imports_of(module))
    return seen


def request_stack() -> tuple[str, ...]:
    """The dotted paths every request runs through, from the settings."""
    from django.conf import settings

    rest = settings.REST_FRAMEWORK
    return (
        "hotel.settings",
        "hotel.wsgi",
        *settings.MIDDLEWARE,
        settings.SESSION_ENGINE,
        *settings.AUTHENTICATION_BACKENDS,
        *rest.get("DEFAULT_AUTHENTICATION_CLASSES", ()),
        *rest.get("DEFAULT_PERMISSION_CLASSES", ()),
        rest.get("EXCEPTION_HANDLER", ""),
    )


def modules_of(function: Function) -> set[str]:
    return closure(function.entry + request_stack())


# --- tables ----------------------------------------------------------------------------------


def app_models() -> list:
    """The registered PynamoDB models of the application (test-only models excluded)."""
    from hotel import dynamo

    return [m for m in dynamo.registered_models() if m.__module__.split(".")[0] in PROJECT_PACKAGES]


def entity(model) -> str:
    """`rooms` for the table `{prefix}-rooms-{stage}`."""
    from django.conf import settings

    cfg = settings.DYNAMODB
    name = model.Meta.table_name
    return name[len(cfg["table_prefix"]) + 1 : -(len(cfg["stage"]) + 1)]


def index_names(model) -> list[str]:
    schema = model._get_schema()
    names = [i["index_name"] for i in schema.get("global_secondary_indexes", [])]
    names += [i["index_name"] for i in schema.get("local_secondary_indexes", [])]
    return sorted(names)


@functools.cache
def names_used(module: str) -> frozenset[str]:
    """The identifiers `module`'s code uses (names and attributes), import lines excluded."""
    path = module_file(module)
    if path is None:
        return frozenset()
    used: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.isidentifier()
        ):
            used.add(node.value)  # string annotations ("Booking") and getattr-style names
    return frozenset(used)


def tables_of(function: Function) -> dict[str, list[str]]:
    """{entity: [index names]} of the tables the function's code can touch."""
    modules = modules_of(function)
    used = set().union(*(names_used(m) for m in modules))
    return {
        entity(model): index_names(model)
        for model in sorted(app_models(), key=entity)
        if model.__module__ in modules and model.__name__ in used
    }


def _mentions(modules: set[str], needles: tuple[str, ...]) -> bool:
    for module in modules:
        path = module_file(module)
        text = path.read_text() if path else ""
        if any(needle in text for needle in needles):
            return True
    return False


def capabilities_of(function: Function) -> dict[str, bool]:
    """The non-DynamoDB permissions the function's code needs."""
    modules = modules_of(function)
    return {
        "events": _mentions(modules - {"hotel.events"}, ("events.publish(",)),
        # Receives the domain events (hotel.jobs.domain_event): dead-letters what fails.
        "event_handler": "hotel.jobs" in modules,
        "email": "hotel.mail" in modules,
        "media": _mentions(modules, ("default_storage",)),
    }
