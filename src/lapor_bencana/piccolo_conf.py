"""Piccolo's configuration module (``PICCOLO_CONF=lapor_bencana.piccolo_conf``).

The app binds its engine explicitly with ``database.bind``, which sets ``DB`` here. Piccolo's own
CLI (``piccolo migrations new lapor --auto``) runs without that, so ``DB`` is then made from the
settings on first use rather than at import, which would create a database file as a side effect.
"""

from piccolo.conf.apps import AppRegistry

APP_REGISTRY = AppRegistry(apps=["lapor_bencana.piccolo_app"])


def __getattr__(name: str):
    if name != "DB":
        raise AttributeError(name)
    from lapor_bencana.config import load_settings
    from lapor_bencana.database import create_engine

    global DB
    DB = create_engine(load_settings().effective_database_url)
    return DB
