"""The old import paths of modules moved by issue 12 keep working: an old name *is* the module
under its new name (DESIGN.md section 2: old paths are deprecated aliases for one release)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from retrench._moved import MOVED


@pytest.mark.parametrize("old, new", sorted(MOVED.items()))
def test_old_path_is_the_new_module(old: str, new: str) -> None:
    moved = importlib.import_module(new)
    assert importlib.import_module(old) is moved
    assert moved.__spec__.name == new  # the alias does not relabel the module
    assert sys.modules[old] is moved


def test_from_import_of_an_old_path_gives_the_same_objects() -> None:
    namespace: dict = {}
    exec("from retrench.bayes.tariffs import TariffModel", namespace)  # the old spelling
    from retrench.designs.tariffs.model import TariffModel

    assert namespace["TariffModel"] is TariffModel


def test_an_old_path_works_first_in_a_fresh_interpreter() -> None:
    code = (
        "import retrench.bayes.gvc_model as m, retrench.workflow.registry as r; "
        "print(m.__name__, r.__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["retrench.designs.gvc.model", "retrench.designs.registry"]


def test_unknown_names_under_old_packages_still_fail() -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("retrench.bayes.no_such_module")
