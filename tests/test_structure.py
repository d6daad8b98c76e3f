"""The shape of the code (issue 16): modules of cchc/ never import each other in a circle, also
through imports inside functions, so each can be understood and changed from the ones it builds on."""

from __future__ import annotations

import ast

from conftest import ROOT

PACKAGE = ROOT / "cchc"


def imports_of(path) -> set[str]:
    """Modules of cchc this file imports anywhere in it (top level or inside a function)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:  # from .plan import …
                found.add(node.module.split(".")[0])
            elif node.level == 1:  # from . import plan, vn
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.split(".")[0] == "cchc":
                parts = node.module.split(".")
                found.update([parts[1]] if len(parts) > 1 else [alias.name for alias in node.names])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("cchc."))
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    return found & modules - {path.stem}


def test_no_import_cycle_in_cchc():
    graph = {path.stem: imports_of(path) for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    cycles = []

    def visit(module, trail):
        for target in sorted(graph.get(module, ())):
            if target in trail:
                cycles.append(" → ".join(trail[trail.index(target):] + [target]))
            elif target not in done:
                visit(target, trail + [target])
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    assert not cycles, cycles
    assert graph["data"] >= {"periods"} and "plan" not in graph["data"]
    assert "cli" not in graph["incremental"] and "build" in graph["incremental"]
