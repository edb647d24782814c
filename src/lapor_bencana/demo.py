"""Demonstration data for any regency: accounts for each role and a handful of reports.

Everything created here has ``is_demo`` set, so it can be told apart from (and removed before)
real use. The demo password is public on purpose: it is printed and in the README.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from lapor_bencana.accounts.service import create_user
from lapor_bencana.aid import service as aid
from lapor_bencana.aid.items import catalogue
from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.incidents import assessments
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.incidents.triage import Context
from lapor_bencana.needs.rules import bundled_standards
from lapor_bencana.regions.importer import RegionDataError
from lapor_bencana.regions.service import children
from lapor_bencana.reports.codes import new_code
from lapor_bencana.reports.tables import Report, ReportSource, ReportStatus
from lapor_bencana.timeutil import now, zone_for_region

DEMO_PASSWORD = "demo12345"

DEMO_ACCOUNTS = (
    ("admin", "Admin Demo", Role.ADMIN, "Dinas Sosial"),
    ("koordinator", "Koordinator Demo", Role.KOORDINATOR, "Dinas Sosial"),
    ("petugas", "Petugas Lapangan Demo", Role.PETUGAS, "Dinas Sosial"),
    ("relawan1", "Relawan Tagana Demo 1", Role.RELAWAN, "Tagana"),
    ("relawan2", "Relawan Tagana Demo 2", Role.RELAWAN, "Tagana"),
    ("relawan3", "Relawan PMI Demo", Role.RELAWAN, "PMI"),
    ("relawan4", "Relawan Desa Demo", Role.RELAWAN, "Relawan desa"),
)

# (hazard, hours ago, description, counts); the place is the n-th district's first village.
DEMO_REPORTS = (
    ("banjir", 30, "Air sungai naik sejak subuh, rumah warga terendam sampai lutut.",
     {"displaced": 120, "affected_families": 85, "affected_people": 290, "houses_lightly_damaged": 40}),
    ("banjir", 28, "Jalan desa putus, banyak warga mengungsi ke balai desa.",
     {"displaced": 60, "elderly": 9, "infants": 6}),
    ("kebakaran", 9, "Dua rumah kayu terbakar, satu keluarga kehilangan semua barang.",
     {"affected_families": 2, "affected_people": 7, "houses_heavily_damaged": 2}),
    ("tanah_longsor", 5, "Tebing di belakang rumah longsor, menutup jalan setapak.", {}),
    ("angin_puting_beliung", 3, "Atap beberapa rumah terbang diterjang angin kencang.",
     {"houses_moderately_damaged": 4, "houses_lightly_damaged": 6, "injured": 1}),
    ("kebakaran_hutan_lahan", 1, "Asap tebal dari lahan terbakar dekat kebun karet warga.", {}),
)


# The flood's verified rapid assessment, so that its needs are worked out.
DEMO_FLOOD_ASSESSMENT = {"displaced": 180, "affected_families": 85, "affected_people": 290, "infants": 6, "elderly": 9}
# What the demo warehouse holds: (item code, quantity, where it came from).
DEMO_STOCK = (
    ("beras", "1500", "Cadangan beras pemerintah (demo)"),
    ("air_bersih", "10000", "PDAM (demo)"),
    ("selimut", "150", "Kemensos (demo)"),
    ("tikar", "150", "Kemensos (demo)"),
    ("paket_keluarga", "60", "Kemensos (demo)"),
    ("paket_kebersihan", "60", "Donatur (demo)"),
)


@dataclass
class SeedResult:
    created_accounts: list[str] = field(default_factory=list)
    created_reports: int = 0
    created_incidents: int = 0
    already_seeded: bool = False

    def summary(self) -> str:
        if self.already_seeded:
            head = "Demo data is already present."
        else:
            head = (
                f"Demo data created: {len(self.created_accounts)} accounts, "
                f"{self.created_reports} reports, {self.created_incidents} incidents."
            )
        logins = ", ".join(username for username, *_ in DEMO_ACCOUNTS)
        return f"{head}\nDemo logins (password {DEMO_PASSWORD!r}): {logins}"


async def seed(regency_code: str) -> SeedResult:
    result = SeedResult()
    if await User.exists().where((User.username == "koordinator") & (User.is_demo == True)).run():  # noqa: E712
        result.already_seeded = True
        return result
    districts = await children(regency_code)
    if not districts:
        raise RegionDataError(f"No districts for regency {regency_code}: run `lapor regions import` first")
    villages = [(await children(d["code"]))[0] for d in districts]

    for username, full_name, role, organisation in DEMO_ACCOUNTS:
        await create_user(
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            role=role,
            organisation=organisation,
            is_demo=True,
        )
        result.created_accounts.append(username)

    flood = await _incident("banjir", villages[0], hours_ago=30, title="Banjir luapan sungai (demo)")
    fire = await _incident("kebakaran", villages[1 % len(villages)], hours_ago=9, title="Kebakaran rumah (demo)")
    result.created_incidents = 2
    accounts = {user.username: user for user in await User.objects().where(User.is_demo == True).run()}  # noqa: E712
    await assessments.record(flood.id, DEMO_FLOOD_ASSESSMENT, Context(accounts["koordinator"]), verified=True)
    await _warehouse(regency_code, villages[0], Context(accounts["admin"]))
    incident_for = {0: flood, 1: flood, 2: fire}

    for index, (hazard, hours_ago, description, counts) in enumerate(DEMO_REPORTS):
        incident = incident_for.get(index)
        village = villages[0] if incident is flood else villages[index % len(villages)]
        await Report(
            code=new_code(),
            hazard=hazard,
            occurred_at=now() - timedelta(hours=hours_ago),
            village=village["code"],
            description=description,
            reporter_name="Warga (demo)",
            source=ReportSource.WARGA,
            status=ReportStatus.TERVERIFIKASI if incident else ReportStatus.BARU,
            incident=incident.id if incident else None,
            is_demo=True,
            **counts,
        ).save().run()
        result.created_reports += 1
    return result


async def _incident(hazard: str, village: dict, hours_ago: int, title: str) -> Incident:
    occurred_at = now() - timedelta(hours=hours_ago)
    incident = Incident(
        code=new_code(),
        hazard=hazard,
        title=f"{title} – {village['name']}",
        status=IncidentStatus.TERVERIFIKASI,
        village=village["code"],
        occurred_at=occurred_at,
        verified_at=occurred_at + timedelta(hours=2),
        is_demo=True,
    )
    await incident.save().run()
    return incident


async def _warehouse(regency_code: str, village: dict, ctx: Context) -> None:
    warehouse = await aid.create_warehouse(
        {"name": "Gudang Dinas Sosial (demo)", "village": village["code"]}, regency_code, ctx, is_demo=True
    )
    items = catalogue(bundled_standards())
    today = now().astimezone(zone_for_region(regency_code)).date()
    for item, quantity, source in DEMO_STOCK:
        data = {"warehouse": str(warehouse), "item": item, "quantity": quantity, "source": source}
        await aid.record_stock_in(data, items, ctx, today)
