"""The shape of the code (issue 16): modules of cchc/ never import each other in a circle, also
through imports inside functions, so each can be understood and changed from the ones it builds on."""

from __future__ import annotations

import ast
import re

from conftest import ROOT

PACKAGE = ROOT / "cchc"


def module_name(path) -> str:
    """cchc/data.py → "data", cchc/procedures/__init__.py → "procedures", cchc/procedures/schema.py →
    "procedures.schema"."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py") if module_name(p)}  # not cchc/__init__.py


def imports_of(path) -> set[str]:
    """Modules of cchc this file imports anywhere in it (top level or inside a function)."""
    name = module_name(path)
    package = name.split(".") if path.stem == "__init__" else name.split(".")[:-1]

    def resolve(parts: list[str]) -> str | None:
        while parts and ".".join(parts) not in MODULES:
            parts = parts[:-1]
        return ".".join(parts) or None

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # from .plan import …, from . import plan, from .. import vn
                base = package[:len(package) - node.level + 1]
            elif node.module and node.module.split(".")[0] == "cchc":
                base = []
            else:
                continue
            target = base + (node.module.split(".")[1 if not node.level else 0:] if node.module else [])
            found.update(resolve(target + [alias.name]) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(resolve(alias.name.split(".")[1:]) for alias in node.names if alias.name.startswith("cchc."))
    return found - {None, name}


def test_no_import_cycle_in_cchc():
    graph = {name: imports_of(path) for name, path in MODULES.items()}
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


# The addresses of the project's own sections are settings of pelicanconf.py (CCHC_PROCEDURE_URL,
# CCHC_PLAN_TASK_URL, CCHC_REPORT_URL, CCHC_SEARCH_URL…, README "Addresses"): the code, the
# templates and the scripts read them from there, never from a copy of their own,
# so that moving a section is one line of pelicanconf.py (tests/test_procedures_site.py moves one).
SECTION_ADDRESS = re.compile(r"(?<![\w-])(?:thu-tuc|ke-hoach|bao-cao|tim-kiem)/")
ADDRESS_READERS = ("cchc/**/*.py", "plugins/**/*.py", "publishconf.py", "theme/templates/**/*.html",
                   "theme/static/js/**/*.js")


def test_section_addresses_are_written_only_in_pelicanconf():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for pattern in ADDRESS_READERS for path in sorted(ROOT.glob(pattern))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if SECTION_ADDRESS.search(line)]
    assert found == [], "\n".join(["addresses written here instead of read from the settings of pelicanconf.py:", *found])
    assert SECTION_ADDRESS.search((ROOT / "pelicanconf.py").read_text(encoding="utf-8"))  # the one place
