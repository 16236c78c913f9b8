"""What infra.package prunes from the Lambda package must be what nothing imports at run time:
`runtime_imports` finds a module's imports outside `if TYPE_CHECKING:` blocks, and the build
refuses to drop Stripe's `stripe.params` if the installed Stripe imports it for real."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra import package

TYPED = """from __future__ import annotations
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from lib.params._create import CreateParams
    import lib.params
"""


def _library(root: Path, extra: str = "") -> Path:
    lib = root / "lib"
    (lib / "params").mkdir(parents=True)
    (lib / "__init__.py").write_text("")
    (lib / "params" / "__init__.py").write_text("from lib.params._create import CreateParams\n")
    (lib / "params" / "_create.py").write_text("CreateParams = dict\n")
    (lib / "_service.py").write_text(TYPED + extra)
    return lib


def test_imports_for_type_checkers_only_are_not_run_time_imports(tmp_path):
    lib = _library(tmp_path)
    assert package.runtime_imports(lib, "lib.params", skip=lib / "params") == []


@pytest.mark.parametrize(
    "line", ["import lib.params\n", "from lib.params._create import CreateParams\n"]
)
def test_an_import_outside_the_type_checking_block_is_found(tmp_path, line):
    lib = _library(tmp_path, extra=line)
    assert package.runtime_imports(lib, "lib.params", skip=lib / "params") == ["lib/_service.py:6"]


def test_stripe_params_are_pruned_only_when_nothing_imports_them(tmp_path):
    site = tmp_path / "site"
    stripe = site / "stripe"
    (stripe / "params").mkdir(parents=True)
    (stripe / "params" / "_x.py").write_text("X = dict\n")
    (stripe / "_client.py").write_text(
        "from typing import TYPE_CHECKING\n" + "if TYPE_CHECKING:\n    import stripe.params\n"
    )
    package.prune_stripe(site)
    assert not (stripe / "params").exists() and (stripe / "_client.py").exists()

    (stripe / "params").mkdir()
    (stripe / "_client.py").write_text("import stripe.params\n")
    with pytest.raises(SystemExit, match="stripe/_client.py:1"):
        package.prune_stripe(site)
    assert (stripe / "params").exists()


def test_the_installed_stripe_imports_its_params_for_type_checkers_only():
    import stripe

    root = Path(stripe.__file__).parent
    assert (root / "params").is_dir()  # what the package build drops
    assert package.runtime_imports(root, "stripe.params", skip=root / "params") == []
