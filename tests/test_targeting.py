"""Who is called: by radius, skill, availability, approval, and home kecamatan as a fallback."""

import pytest

from lapor_bencana.accounts.service import create_user
from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.volunteers import skills
from lapor_bencana.volunteers.tables import VolunteerProfile
from lapor_bencana.volunteers.targeting import Place, officers_of_district, select_targets

PARINGIN = Place(-2.3325, 115.4712, "63.11.06")
KITCHEN = skills.mask(["dapur_umum"])


async def volunteer(name, *, lat=None, lon=None, district="", skill_codes=("dapur_umum",), available=True,
                    approved=True, active=True, role=Role.RELAWAN, radius_km=15.0):
    user = await create_user(username=name, password="rahasia-123", full_name=name, role=role, approved=approved)
    if not active:
        await User.update({User.active: False}).where(User.id == user.id).run()
    await VolunteerProfile(
        user=user.id, skills=skills.mask(skill_codes), latitude=lat, longitude=lon, home_district=district,
        available=available, radius_km=radius_km,
    ).save().run()
    return user.id


async def called(place=PARINGIN, mask=KITCHEN, radius=10.0):
    return {t.user_id: t.distance_km for t in await select_targets(place, mask, radius)}


async def test_volunteers_within_the_radius_are_called_nearest_first(app):
    near = await volunteer("dekat", lat=-2.3400, lon=115.4800)  # ~1.3 km
    nearer = await volunteer("lebih_dekat", lat=-2.3330, lon=115.4720)  # ~0.1 km
    far = await volunteer("jauh", lat=-2.60, lon=115.47)  # ~30 km
    targets = await select_targets(PARINGIN, KITCHEN, 10.0)
    assert [t.user_id for t in targets] == [nearer, near]
    assert far not in {t.user_id for t in targets}
    assert targets[1].distance_km == pytest.approx(1.29, abs=0.05)


async def test_only_volunteers_with_a_needed_skill_are_called(app):
    cook = await volunteer("juru_masak", lat=-2.333, lon=115.472, skill_codes=("dapur_umum", "logistik"))
    medic = await volunteer("medis", lat=-2.333, lon=115.472, skill_codes=("medis",))
    assert set(await called(mask=KITCHEN)) == {cook}
    assert set(await called(mask=skills.mask(["medis", "logistik"]))) == {cook, medic}


async def test_unavailable_unapproved_inactive_and_staff_are_not_called(app):
    ready = await volunteer("siaga", lat=-2.333, lon=115.472)
    await volunteer("libur", lat=-2.333, lon=115.472, available=False)
    await volunteer("belum_disetujui", lat=-2.333, lon=115.472, approved=False)
    await volunteer("nonaktif", lat=-2.333, lon=115.472, active=False)
    await volunteer("koordinator", lat=-2.333, lon=115.472, role=Role.KOORDINATOR)
    assert set(await called()) == {ready}


async def test_a_volunteer_is_not_called_beyond_their_own_radius(app):
    await volunteer("dekat_saja", lat=-2.3400, lon=115.4800, radius_km=1.0)  # 1.3 km away, goes 1 km
    assert await called() == {}


async def test_without_a_position_the_home_kecamatan_decides(app):
    local = await volunteer("warga_paringin", district="63.11.06")
    await volunteer("warga_juai", district="63.11.01")
    assert await called() == {local: None}


async def test_field_officers_of_a_kecamatan_hear_of_new_reports(app):
    officer = await volunteer("petugas_paringin", district="63.11.06", role=Role.PETUGAS)
    await volunteer("relawan_paringin", district="63.11.06")
    assert await officers_of_district("63.11.06") == [officer]
