"""The layering of the product code, checked on its import graph (docs: ARCHITECTURE, Layers).

    edges     guest site, back office, API views, URL conf, Lambda entry, jobs
    payments  may use bookings, rooms
    bookings  may use rooms
    rooms
    platform  hotel/ (its edges aside): knows no domain app

Imports inside functions count: a lazy import is still a dependency (and the IAM policies,
derived from the same graph by infra/functions.py, follow it). The rules mirror the shared
tool /work/shared/tools/layers.py, so the two agree on what is wrong. Each rule is one test
that names every offender; the first tests check the rules themselves on a fixture tree, so
the real-tree tests can fail.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from infra.functions import import_graph, project_modules

MAX_CODE_LINES = 400
DOMAIN = ("rooms", "bookings", "payments")
# app -> the apps it must not import (the layers above it)
UPWARD = {"rooms": ("bookings", "payments"), "bookings": ("payments",)}
# The platform's edges: they wire the domain apps to the outside, so they may import them.
EDGES = (
    "hotel.site",
    "hotel.backoffice",
    "hotel.urls",
    "hotel.awslambda",
    "hotel.jobs",
    "hotel.management",
    "hotel.views",
    "hotel.settings",
    "hotel.wsgi",
    "hotel.edges",
)

Graph = dict[str, frozenset[str]]


def app_of(module: str) -> str:
    return module.split(".")[0]


def is_edge(module: str) -> bool:
    return module.startswith(EDGES)


def is_view(module: str) -> bool:
    """A module that answers requests: any `views` module, and the guest site."""
    return "views" in module.split(".") or module.startswith("hotel.site")


def is_url_conf(module: str) -> bool:
    return module.split(".")[-1] == "urls"


# --- the rules, on any graph ----------------------------------------------------------------


def upward_imports(graph: Graph) -> list[str]:
    return sorted(
        f"{module} imports {dep}"
        for module, deps in graph.items()
        for dep in deps
        if app_of(dep) in UPWARD.get(app_of(module), ())
    )


def platform_imports(graph: Graph) -> list[str]:
    return sorted(
        f"{module} imports {dep}"
        for module, deps in graph.items()
        if app_of(module) == "hotel" and not is_edge(module)
        for dep in deps
        if app_of(dep) in DOMAIN
    )


def sideways_view_imports(graph: Graph) -> list[str]:
    """Another app's views imported by anything but a URL conf or a platform edge."""
    return sorted(
        f"{module} imports {dep}"
        for module, deps in graph.items()
        if not (is_url_conf(module) or is_edge(module))
        for dep in deps
        if is_view(dep) and app_of(dep) != app_of(module)
    )


def strongly_connected(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def circles(graph: Graph) -> list[str]:
    """Import circles; a package and its own submodule importing each other is not a design
    circle (the package's __init__ exposing its submodule's names), so it is let through."""
    return [
        " <-> ".join(component)
        for component in strongly_connected(graph)
        if len({app_of(m) for m in component}) > 1
        or len(component) > 2
        or not any(a.startswith(b + ".") for a in component for b in component)
    ]


def code_lines(path: Path) -> int:
    """Non-blank lines that are not comments (docstrings count)."""
    return sum(
        1
        for line in path.read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    )


def oversized(modules: dict[str, Path]) -> list[str]:
    sizes = {module: code_lines(path) for module, path in modules.items()}
    return [
        f"{module} has {n} lines of code"
        for module, n in sorted(sizes.items(), key=lambda item: -item[1])
        if n > MAX_CODE_LINES
    ]


def report(problems: list[str]) -> str:
    return f"{len(problems)} offender(s):\n  " + "\n  ".join(problems)


# --- the walker and the rules on a fixture tree -------------------------------------------


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text))
    return root


@pytest.fixture
def tree(tmp_path):
    """A small project: every kind of import once, one upward import hidden in a function."""
    return write_tree(
        tmp_path,
        {
            "hotel/__init__.py": "",
            "hotel/errors.py": "import json\n",
            "hotel/urls.py": "from rooms import views\nfrom bookings.views import page\n",
            "rooms/__init__.py": "",
            "rooms/models.py": "from hotel.errors import NotFound\n",
            "rooms/services.py": """\
                from .models import Room


                def room_delete():
                    from bookings.models import Booking  # the upward import, lazily

                    return Booking
            """,
            "rooms/views.py": "from .services import room_delete\n",
            "rooms/migrations/__init__.py": "",
            "rooms/migrations/0001_initial.py": "from payments import models\n",
            "bookings/__init__.py": "from .models import Booking\n",
            "bookings/models.py": "from rooms import models\nimport bookings\n",
            "bookings/views.py": "from . import models\n",
            "payments/__init__.py": "",
            "payments/pages.py": "from bookings.views import page\n",
            "payments/services.py": "from payments.pages import receipt\n",
        },
    )


def test_the_walker_finds_every_module_but_migrations(tree):
    assert sorted(project_modules(tree)) == [
        "bookings",
        "bookings.models",
        "bookings.views",
        "hotel",
        "hotel.errors",
        "hotel.urls",
        "payments",
        "payments.pages",
        "payments.services",
        "rooms",
        "rooms.models",
        "rooms.services",
        "rooms.views",
    ]


def test_the_walker_resolves_each_import_to_the_module_it_names(tree):
    graph = import_graph(tree)

    assert graph["rooms.services"] == {"rooms.models", "bookings.models"}  # in a function too
    assert graph["rooms.views"] == {"rooms.services"}  # relative, one level
    assert graph["bookings.views"] == {"bookings.models"}  # `from . import x` names x
    assert graph["bookings.models"] == {"rooms.models", "bookings"}  # `from pkg import module`
    assert graph["hotel.urls"] == {"rooms.views", "bookings.views"}
    assert graph["hotel.errors"] == set()  # the standard library is not the project


def test_an_upward_import_in_a_function_is_reported(tree):
    assert upward_imports(import_graph(tree)) == ["rooms.services imports bookings.models"]


def test_the_platform_may_wire_the_domain_only_at_its_edges(tree):
    write_tree(tree, {"hotel/audit.py": "from rooms.models import Room\n"})

    assert platform_imports(import_graph(tree)) == ["hotel.audit imports rooms.models"]


def test_another_apps_views_are_imported_only_by_url_confs_and_edges(tree):
    assert sideways_view_imports(import_graph(tree)) == ["payments.pages imports bookings.views"]


def test_a_package_and_its_own_submodule_may_import_each_other_but_nothing_else_circles(tree):
    graph = import_graph(tree)
    assert strongly_connected(graph) == [["bookings", "bookings.models"]]
    assert circles(graph) == []

    write_tree(tree, {"payments/pages.py": "from payments.services import charge\n"})

    assert circles(import_graph(tree)) == ["payments.pages <-> payments.services"]


def test_a_module_over_the_limit_is_reported_and_comments_do_not_count(tree):
    code = "x = 1\n" * MAX_CODE_LINES
    write_tree(
        tree, {"rooms/long.py": code + "# a comment\n\n", "rooms/longer.py": code + "y = 2\n"}
    )

    assert oversized(project_modules(tree)) == ["rooms.longer has 401 lines of code"]


# --- the product ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph() -> Graph:
    return import_graph()


def test_the_walker_sees_the_product(graph):
    assert {"hotel.settings", "rooms.models", "bookings.services", "payments.models"} <= set(graph)
    assert "bookings.models" in graph["bookings.services"]


def test_rooms_and_bookings_import_no_layer_above_them(graph):
    assert not (problems := upward_imports(graph)), report(problems)


def test_the_platform_knows_no_domain(graph):
    assert not (problems := platform_imports(graph)), report(problems)


def test_no_module_reaches_into_another_apps_views(graph):
    assert not (problems := sideways_view_imports(graph)), report(problems)


def test_no_import_circles(graph):
    assert not (problems := circles(graph)), report(problems)


def test_no_product_module_over_400_lines_of_code():
    assert not (problems := oversized(project_modules())), report(problems)
