"""The one Piccolo app: every domain's tables, migrated from the top-level ``migrations/`` folder."""

from piccolo.conf.apps import AppConfig

from lapor_bencana.accounts.tables import SignInThrottle, User, WebSession
from lapor_bencana.audit.tables import AuditEvent, AuditHead
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.needs.tables import StandardsVersion
from lapor_bencana.paths import MIGRATIONS_DIR
from lapor_bencana.regions.tables import Region
from lapor_bencana.reports.tables import Report, ReportPhoto, ReportStatusChange

APP_NAME = "lapor"

APP_CONFIG = AppConfig(
    app_name=APP_NAME,
    migrations_folder_path=str(MIGRATIONS_DIR),
    table_classes=[
        Region,
        User,
        WebSession,
        SignInThrottle,
        Incident,
        Report,
        ReportPhoto,
        ReportStatusChange,
        AuditEvent,
        AuditHead,
        StandardsVersion,
    ],
    migration_dependencies=[],
    commands=[],
)
