"""The layers of DESIGN.md section 1 import downward only, designs are reached only through the
registry, and no module imports itself back through others.

theory <- data <- bayes <- designs <- workflow <- cli: a module may import from its own layer and
the layers below it. A design (``retrench/designs/<name>/``) imports no other design, and nothing
outside ``retrench/designs/`` imports a design's modules by name: it goes through
:mod:`retrench.designs.registry`. Checked on the source text (every ``import``/``from``
statement, also those inside functions), so a violation fails here before it becomes a circular
import or a hidden dependency somewhere else.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "retrench"
ORDER = ["theory", "data", "bayes", "designs", "workflow", "cli"]
# layers a given layer must not import from
FORBIDDEN = {layer: set(ORDER[i + 1 :]) for i, layer in enumerate(ORDER)}
#: the modules of ``designs/`` that every layer above may import: the registry (and the package)
DESIGN_FREE = {"retrench.designs", "retrench.designs.registry"}
#: modules outside designs/ allowed to name a design module: none (the deprecated old paths are
#: answered by an import hook, retrench/_moved.py, that holds only strings)
DESIGN_ALIAS_MODULES: set[str] = set()


def module_name(path: Path) -> str:
    parts = ["retrench", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def imported_modules(path: Path, known: set[str] | None = None) -> set[tuple[int, str]]:
    """``(line, module)`` for every retrench module ``path`` imports; ``from a import b`` counts as
    ``a.b`` when that is a module in ``known`` (else ``a``)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    own = module_name(path) if path.is_relative_to(SRC) else "retrench._outside"
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                names.append(full if known is not None and full in known else base)
            if known is None:
                names += [base] + [f"{base}.{a.name}" for a in node.names]
        for name in names:
            if name == "retrench" or name.startswith("retrench."):
                found.add((node.lineno, name))
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


@pytest.mark.parametrize("layer", ORDER)
def test_layer_imports_point_downward(layer: str) -> None:
    offences = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for lineno, target in imported_modules(path):
            if _layer(target) in FORBIDDEN[layer] or target.startswith("retrench._cli"):
                offences.append(f"{path.relative_to(SRC)}:{lineno} imports {target}")
    assert not offences, "\n".join(offences)


def _design_of(module: str) -> str | None:
    """``tariffs`` for ``retrench.designs.tariffs[.x]``; None for the registry or non-designs."""
    parts = module.split(".")
    if len(parts) < 3 or parts[1] != "designs" or module in DESIGN_FREE:
        return None
    return parts[2]


def test_nothing_outside_designs_imports_a_design_by_name() -> None:
    modules = _all_modules()
    offences = []
    for name, path in modules.items():
        if _layer(name) == "designs" or name in DESIGN_ALIAS_MODULES:
            continue
        for lineno, target in imported_modules(path, set(modules)):
            if _design_of(target) is not None:
                offences.append(f"{path.relative_to(SRC)}:{lineno} imports {target}")
    assert not offences, "go through retrench.designs.registry:\n" + "\n".join(offences)


def test_no_design_imports_another() -> None:
    modules = _all_modules()
    offences = []
    for name, path in modules.items():
        own = _design_of(name)
        if own is None:
            continue
        for lineno, target in imported_modules(path, set(modules)):
            other = _design_of(target)
            if other is not None and other != own:
                offences.append(f"{path.relative_to(SRC)}:{lineno} imports {target}")
    assert not offences, "\n".join(offences)


def import_graph() -> dict[str, set[str]]:
    """Module -> the retrench modules it imports (anywhere in its text)."""
    modules = _all_modules()
    return {
        name: {t for _, t in imported_modules(path, set(modules)) if t in modules and t != name}
        for name, path in modules.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as ``[a, b, ..., a]``, or None (depth-first search, three colours)."""
    colour = dict.fromkeys(graph, 0)  # 0 new, 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if colour.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if colour.get(nxt) == 0:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = 2
        return None

    for node in sorted(graph):
        if colour[node] == 0:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycles() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_checker_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from retrench.workflow.report import write_report\n")
    assert (1, "retrench.workflow.report") in imported_modules(bad)


def test_cycle_finder_sees_a_cycle_and_a_clean_graph() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_shipped_designs_are_registered_one_line_each() -> None:
    text = (SRC / "designs" / "registry.py").read_text()
    for design in sorted(p.parent.name for p in (SRC / "designs").glob("*/__init__.py")):
        lines = [line for line in text.splitlines() if f'"retrench.designs.{design}"' in line]
        assert len(lines) == 1, f"{design}: expected one line in DESIGNS, found {lines}"
