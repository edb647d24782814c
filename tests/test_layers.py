"""Lower layers never import higher ones (docs/architecture.md, "Layers").

Route modules belong to the web shell whatever their folder, so they may import anything; every
other module is checked against the rank of its package. The few known exceptions are listed
here and in the architecture document: a new one fails this test, and so does one that is gone.
"""

from __future__ import annotations

import ast
from pathlib import Path

from lapor_bencana.paths import PACKAGE_DIR

LAYERS = [
    {"paths", "config", "timeutil", "i18n", "geo", "storage", "database", "sqlite_engine", "hazards", "impact",
     "not_found"},
    {"regions", "accounts", "audit"},
    {"reports"},
    {"incidents", "needs", "labels"},
    {"push", "volunteers", "aid"},
    {"overview", "sitrep", "guide", "history", "retention", "backup", "photo_scrub", "demo"},
    {"web", "live", "app", "cli", "__main__", "piccolo_app", "piccolo_conf"},
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
# Modules that answer requests: the top layer, wherever they live.
ROUTE_MODULES = {"routes.py", "call_routes.py", "management.py", "api.py", "field.py"}
KNOWN_EXCEPTIONS = {
    # Settings check the VAPID key and the map tile origin with the code that uses them.
    ("config.py", "push"), ("config.py", "web"),
    # Migrating needs the registry of every table.
    ("database.py", "piccolo_app"), ("database.py", "piccolo_conf"),
    # A report row refers to the incident it was merged into, and gets its village as incidents do.
    ("reports/tables.py", "incidents"), ("reports/places.py", "incidents"),
    # Whose report it is depends on the request's signed-in user and CSRF header.
    ("reports/attribution.py", "web"),
}


def imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "lapor_bencana":
            parts = node.module.split(".")
            found |= {parts[1]} if len(parts) > 1 else {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name.split(".")[1] for alias in node.names if alias.name.startswith("lapor_bencana.")}
    return found - {"__version__"}


def upward_imports() -> set[tuple[str, str]]:
    found = set()
    for path in PACKAGE_DIR.rglob("*.py"):
        relative = path.relative_to(PACKAGE_DIR)
        package = relative.parts[0].removesuffix(".py")
        if path.name in ROUTE_MODULES or package == "__init__":
            continue
        for imported in imported_packages(path) - {package}:
            if RANK[imported] > RANK[package]:
                found.add((relative.as_posix(), imported))
    return found


def test_every_package_has_a_layer():
    packages = {path.relative_to(PACKAGE_DIR).parts[0].removesuffix(".py") for path in PACKAGE_DIR.rglob("*.py")}
    assert packages - {"__init__"} - RANK.keys() == set()


def test_no_module_imports_a_higher_layer_beyond_the_known_exceptions():
    assert upward_imports() == KNOWN_EXCEPTIONS


def test_reports_know_nothing_of_volunteers_or_push():
    reports = PACKAGE_DIR / "reports"
    assert all({"volunteers", "push"}.isdisjoint(imported_packages(path)) for path in reports.rglob("*.py"))
