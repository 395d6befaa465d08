"""The boundaries that keep the code easy to carry: no import cycles, an engine without Django."""

import grimp
import pytest


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(
        "deskmate", include_external_packages=True, exclude_type_checking_imports=True
    )


def _cycles(graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if not imported.startswith("deskmate"):
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module.startswith("deskmate") and module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_through_others(graph):
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for module in ("deskmate.a", "deskmate.b", "deskmate.c"):
        graph.add_module(module)
    graph.add_import(importer="deskmate.a", imported="deskmate.b")
    graph.add_import(importer="deskmate.b", imported="deskmate.a")
    graph.add_import(importer="deskmate.b", imported="deskmate.c")
    assert _cycles(graph) == [["deskmate.a", "deskmate.b"]]


@pytest.mark.parametrize("package", ["deskmate.engine", "deskmate.importing"])
def test_the_engine_and_file_readers_import_no_django(graph, package):
    pure = ("deskmate.engine", "deskmate.importing")
    modules = graph.find_descendants(package) | {package}
    assert len(modules) > 3
    outside = {
        (module, imported)
        for module in modules
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.split(".")[0] in {"django", "ninja", "django_tasks"}
        or (imported.startswith("deskmate.") and not imported.startswith(pure))
    }
    # Django's address rule, a plain function, is the one exception (see pyproject.toml).
    allowed = {
        "from django.core.exceptions import ValidationError",
        "from django.core.validators import validate_email",
    }
    exceptions = {("deskmate.importing.names", "django")} & outside
    for importer, imported in exceptions:
        lines = graph.get_import_details(importer=importer, imported=imported)
        assert lines and {line["line_contents"] for line in lines} <= allowed
    assert outside - exceptions == set()
