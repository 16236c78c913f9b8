"""The architecture diagrams (docs/architecture.md) are checked against the code."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from bookings import lifecycle
from hotel import dynamo

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def _mermaid_block(kind: str) -> str:
    blocks = re.findall(r"```mermaid\n(.*?)```", DOC.read_text(), flags=re.S)
    matching = [block for block in blocks if block.lstrip().startswith(kind)]
    assert len(matching) == 1, f"expected one {kind} diagram in {DOC.name}"
    return matching[0]


def _entity(model) -> str:
    """`hotel-room-nights-test` → `room-nights`."""
    prefix = f"{settings.DYNAMODB['table_prefix']}-"
    suffix = f"-{settings.DYNAMODB['stage']}"
    name = model.Meta.table_name
    assert name.startswith(prefix) and name.endswith(suffix)
    return name[len(prefix) : -len(suffix)]


def _er_entities(diagram: str) -> dict[str, str]:
    return dict(re.findall(r"^\s{4}([\w-]+) \{\n(.*?)^\s{4}\}", diagram, flags=re.S | re.M))


def _key_names(model) -> tuple[str, str | None]:
    hash_key = range_key = None
    for name, attribute in model.get_attributes().items():
        if attribute.is_hash_key:
            hash_key = name
        elif attribute.is_range_key:
            range_key = name
    return hash_key, range_key


def _index_names(model) -> set[str]:
    return {index.Meta.index_name for index in model._indexes.values()}


def test_table_diagram_lists_every_registered_table_with_its_keys_and_indexes():
    entities = _er_entities(_mermaid_block("erDiagram"))
    models = dynamo.registered_models()
    assert set(entities) == {_entity(model) for model in models}
    for model in models:
        body = entities[_entity(model)]
        hash_key, range_key = _key_names(model)
        assert re.search(rf"\b{hash_key} PK\b", body), (model.__name__, hash_key)
        if range_key:
            assert re.search(rf"\b{range_key} \"SK", body), (model.__name__, range_key)
        for index_name in _index_names(model):
            assert index_name in body, (model.__name__, index_name)


def test_state_diagram_draws_exactly_the_transition_table():
    diagram = _mermaid_block("stateDiagram")
    drawn = {
        (source.replace("_", "-"), target.replace("_", "-"))
        for source, target in re.findall(r"^\s*(\w+) --> (\w+)", diagram, flags=re.M)
    }
    allowed = {
        (source, target)
        for table in (lifecycle.TRANSITIONS, lifecycle.SYSTEM_REVIVALS)
        for source, targets in table.items()
        for target in targets
    }
    assert drawn == allowed


def test_every_module_the_layers_section_names_exists():
    section = DOC.read_text().split("## Layers", 1)[1].split("\n## ", 1)[0]
    paths = set(re.findall(r"`((?:hotel|rooms|bookings|payments)/[\w/]+(?:\.py)?)`", section))
    paths |= set(re.findall(r"\b(hotel/(?:site|backoffice|urls|awslambda|jobs))\b", section))
    dotted = set(re.findall(r"`((?:hotel|rooms|bookings|payments)(?:\.\w+)+)`", section))
    root = DOC.parents[1]
    assert paths and dotted
    missing = [p for p in paths if not (root / p).exists() and not (root / f"{p}.py").exists()]
    for name in dotted:  # a module, or a module's attribute
        module, _, attr = name.rpartition(".")
        as_path = root / name.replace(".", "/")
        if as_path.with_suffix(".py").exists() or (as_path / "__init__.py").exists():
            continue
        mod_path = root / module.replace(".", "/")
        source = (
            mod_path.with_suffix(".py")
            if mod_path.with_suffix(".py").exists()
            else mod_path / "__init__.py"
        )
        if not source.exists() or attr not in source.read_text():
            missing.append(name)
    assert not missing, f"docs/architecture.md's layers section names what is not there: {missing}"
