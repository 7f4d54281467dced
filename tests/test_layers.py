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


# Derived data has one home (annotations.derived): outside it, nothing writes a derived table or a
# derived field, and nothing reaches past annotations.derived's event functions into its modules.
DERIVED_MODELS = {
    "AgreementTally",
    "BacklogTally",
    "DailyTally",
    "PairedClaim",
    "PublishedExportRow",
    "WaitingAnnotation",
}
DERIVED_FIELDS = {"claim_count", "unreviewed_count", "published_rationale", "search_config"}
DERIVED_SUBMODULES = {"agreement", "counters", "export_rows", "search_fields", "tallies"}
WRITES = {"bulk_create", "bulk_update", "create", "delete", "get_or_create", "save", "update", "update_or_create"}
SQL_WRITE = ("INSERT INTO", "UPDATE ", "DELETE FROM", "COPY ", "TRUNCATE")
# Not bound by the rule: the package itself, the models that define the tables and migrations (frozen
# SQL of their time).
DERIVED_HOME = ("annotations.derived", "annotations.models", "annotations.migrations")


def _root_name(node) -> str | None:
    """The name a chain like `PairedClaim.objects.filter(...).delete` starts from."""
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _derived_writes(tree) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            if _root_name(node.func.value) in DERIVED_MODELS:
                found.append(f"line {node.lineno}: {_root_name(node.func.value)}...{node.func.attr}()")
            fields = {keyword.arg for keyword in node.keywords} & DERIVED_FIELDS
            if fields:
                found.append(f"line {node.lineno}: {node.func.attr}({', '.join(sorted(fields))}=...)")
        elif isinstance(node, ast.JoinedStr):
            text = "".join(part.value for part in node.values if isinstance(part, ast.Constant)).upper()
            tables = {_root_name(part.value) for part in node.values if isinstance(part, ast.FormattedValue)}
            if tables & DERIVED_MODELS and any(verb in text for verb in SQL_WRITE):
                found.append(f"line {node.lineno}: SQL writing {sorted(tables & DERIVED_MODELS)}")
        elif isinstance(node, ast.Attribute) and node.attr in DERIVED_SUBMODULES and _root_name(node) == "derived":
            found.append(f"line {node.lineno}: derived.{node.attr} (call annotations.derived's event functions)")
    return found


def test_only_annotations_derived_writes_derived_tables_and_fields():
    offenders = {
        name: _derived_writes(ast.parse(path.read_text(encoding="utf-8")))
        for name, path in MODULES.items()
        if not name.startswith(DERIVED_HOME)
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_derived_writes_check_sees_a_write_outside_derived():
    source = (
        "PairedClaim.objects.filter(pk=1).delete()\n"
        "Article.objects.filter(pk=1).update(claim_count=F('claim_count') + 1)\n"
        "cursor.execute(f'DELETE FROM {DailyTally._meta.db_table}')\n"
        "derived.tallies.recount()\n"
    )
    assert len(_derived_writes(ast.parse(source))) == 4


def test_no_module_outside_derived_imports_its_table_modules():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    importers = {
        importer
        for submodule in DERIVED_SUBMODULES
        for importer in graph.find_modules_that_directly_import(f"annotations.derived.{submodule}")
    }
    assert sorted(m for m in importers if not m.startswith("annotations.derived")) == []
