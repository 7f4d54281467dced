"""The code's layers: every module imports on its own, no modules import each other in a circle
when they load, and the domain never reaches up into the API (not even from inside a function)."""

import ast
import importlib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("annotations", "factcheck")


def _module_files() -> dict[str, Path]:
    files = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            files[name] = path
    return files


MODULES = _module_files()


def _load_time_imports(name: str, path: Path) -> set[str]:
    """The project modules `name` imports while it loads: module-level statements (and class
    bodies, if and try blocks), not imports deferred into a function body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()

    def visit(statements) -> None:
        for node in statements:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{anchor}.{base}" if base else anchor
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    visit(getattr(node, field, []) or [])

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return {module for module in found if module in MODULES and module != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, as the chain of modules that closes it."""
    cycles, done = [], set()

    def walk(module: str, chain: list[str]) -> None:
        for imported in sorted(graph[module]):
            if imported in chain:
                cycles.append([*chain[chain.index(imported) :], imported])
            elif imported not in done:
                walk(imported, [*chain, imported])
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            walk(module, [module])
    return cycles


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_imports(module):
    importlib.import_module(module)


def test_no_modules_import_each_other_in_a_circle():
    graph = {name: _load_time_imports(name, path) for name, path in MODULES.items()}
    assert _cycles(graph) == []


def test_the_cycle_check_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_domain_modules_do_not_import_the_api():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    api = "annotations.api"
    # The pages only link to the API's routes by name; everything else sits below the API.
    domain = {m for m in graph.modules if m.startswith("annotations.") and not m.startswith(api)}
    offenders = {
        module: sorted(i for i in graph.find_modules_directly_imported_by(module) if i.startswith(api))
        for module in sorted(domain)
    }
    assert {module: imports for module, imports in offenders.items() if imports} == {}
