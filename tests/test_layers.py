"""The layers of DESIGN.md section 1 import downward only.

theory <- data <- bayes <- workflow <- cli: a module may import from its own layer and the layers
below it. Checked on the source text (``import``/``from`` statements), so a violation fails here
before it becomes a circular import somewhere else.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "retrench"
ORDER = ["theory", "data", "bayes", "workflow"]
# layers a given layer must not import from
FORBIDDEN = {layer: set(ORDER[i + 1 :]) | {"cli"} for i, layer in enumerate(ORDER)}


def _imported_layers(path: Path) -> set[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "retrench" and len(parts) > 1:
                found.add((node.lineno, parts[1]))
    return found


@pytest.mark.parametrize("layer", ORDER)
def test_layer_imports_point_downward(layer: str) -> None:
    offences = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for lineno, target in _imported_layers(path):
            if target in FORBIDDEN[layer] or target.startswith("_cli"):
                offences.append(f"{path.relative_to(SRC)}:{lineno} imports retrench.{target}")
    assert not offences, "\n".join(offences)


def test_checker_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from retrench.workflow.report import write_report\n")
    assert (1, "workflow") in _imported_layers(bad)
