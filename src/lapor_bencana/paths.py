"""Where the project's non-Python parts live.

The fixed top-level layout keeps templates, static files, the service worker and migrations
beside ``src/``; the package is installed in editable mode, so they are found from here.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
SERVICE_WORKER_DIR = PROJECT_ROOT / "service-worker"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
LOCALES_DIR = PACKAGE_DIR / "locales"
