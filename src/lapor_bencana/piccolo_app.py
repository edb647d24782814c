"""The one Piccolo app: every domain's tables, migrated from the top-level ``migrations/`` folder."""

from piccolo.conf.apps import AppConfig

from lapor_bencana.accounts.tables import SignInThrottle, User, WebSession
from lapor_bencana.aid.tables import AidDelivery, StockMovement, Warehouse
from lapor_bencana.audit.tables import AuditEvent, AuditHead
from lapor_bencana.incidents.tables import Assessment, Incident
from lapor_bencana.needs.tables import StandardsVersion
from lapor_bencana.paths import MIGRATIONS_DIR
from lapor_bencana.push.tables import PushJob, PushSubscription
from lapor_bencana.regions.tables import Region, RegionBoundary
from lapor_bencana.reports.tables import Report, ReportPhoto, ReportStatusChange
from lapor_bencana.sitrep.tables import CapMessage
from lapor_bencana.volunteers.tables import CallForHelp, CallRecipient, VolunteerProfile
from lapor_bencana.web.tables import RateWindow

APP_NAME = "lapor"

APP_CONFIG = AppConfig(
    app_name=APP_NAME,
    migrations_folder_path=str(MIGRATIONS_DIR),
    table_classes=[
        Region,
        RegionBoundary,
        User,
        WebSession,
        SignInThrottle,
        Incident,
        Assessment,
        Report,
        ReportPhoto,
        ReportStatusChange,
        AuditEvent,
        AuditHead,
        StandardsVersion,
        VolunteerProfile,
        CallForHelp,
        CallRecipient,
        Warehouse,
        AidDelivery,
        StockMovement,
        PushSubscription,
        PushJob,
        RateWindow,
        CapMessage,
    ],
    migration_dependencies=[],
    commands=[],
)
