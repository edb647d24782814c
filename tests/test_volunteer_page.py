"""/relawan: a volunteer keeps their profile (skills, home, position, radius, availability) and
sees the verified incidents near them; staff see only their account there."""

from lapor_bencana import audit, timeutil
from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.volunteers import skills
from lapor_bencana.volunteers.tables import VolunteerProfile
from tests.accounts import make_user, post_form, sign_in

PARINGIN = (-2.3260, 115.4650)
PROFILE = {
    "organisation": "Tagana Balangan",
    "kecamatan": "63.11.05",
    "home_village": "63.11.05.2001",
    "latitude": "-2,3251",
    "longitude": "115,4623",
    "radius_km": "25",
    "available": "0",
}


async def save(client, form: dict, skill_codes=("evakuasi", "dapur_umum")):
    """Posts the profile form as a browser does: one ``skills`` field per ticked box."""
    return await post_form(client, "/relawan", {**form, "skills": list(skill_codes)})


async def signed_in_volunteer(client, **extra) -> User:
    user = await make_user("budi", full_name="Budi Santoso", **extra)
    await sign_in(client, "budi")
    return user


async def test_the_page_offers_the_profile_form_notifications_and_the_account(client):
    await signed_in_volunteer(client)
    page = await client.get("/relawan")
    assert page.status_code == 200
    for text in ("Profil relawan", "Aktifkan notifikasi", "Kejadian di dekat saya", "Gunakan lokasi saya",
                 "Siaga", "Tidak tersedia", "Budi Santoso", 'href="/akun/kata-sandi"', "js/volunteer.js"):
        assert text in page.text
    for skill in skills.SKILLS:
        assert f'name="skills" value="{skill.code}"' in page.text
    assert 'hx-get="/wilayah/desa" hx-target="#home_village"' in page.text


async def test_saving_the_profile_stores_it_and_the_organisation_with_one_audit_event(client):
    user = await signed_in_volunteer(client)
    response = await save(client, PROFILE)
    assert (response.status_code, response.headers["location"]) == (303, "/relawan?tersimpan=1")
    profile = await VolunteerProfile.objects().get(VolunteerProfile.user == user.id).run()
    assert skills.codes(profile.skills) == ["evakuasi", "dapur_umum"]
    assert (profile.home_district, profile.home_village) == ("63.11.05", "63.11.05.2001")
    assert (profile.latitude, profile.longitude, profile.radius_km, profile.available) == (-2.3251, 115.4623, 25.0, False)
    assert (await User.objects().get(User.id == user.id).run()).organisation == "Tagana Balangan"
    [event] = [e for e in await audit.history("user", user.id) if e.action == "volunteer.update"]
    assert event.actor.user_id == user.id
    assert event.after["organisation"] == "Tagana Balangan" and event.after["radius_km"] == 25.0

    page = await client.get("/relawan?tersimpan=1")
    assert "Profil tersimpan." in page.text
    assert 'value="evakuasi" checked' in page.text and 'value="sar" checked' not in page.text
    assert 'value="63.11.05.2001" selected' in page.text
    assert 'value="-2.3251"' in page.text and 'value="0" checked' in page.text


async def test_saving_the_same_profile_again_records_no_second_event(client):
    user = await signed_in_volunteer(client)
    await save(client, PROFILE)
    await save(client, PROFILE)
    assert [e.action for e in await audit.history("user", user.id)].count("volunteer.update") == 1


async def test_a_bad_profile_is_refused_with_each_problem_and_nothing_lost(client):
    await signed_in_volunteer(client)
    form = {**PROFILE, "organisation": "Tim SAR Desa", "latitude": "-2.3", "longitude": "", "radius_km": "500"}
    response = await save(client, form, skill_codes=("sar", "terbang"))
    assert response.status_code == 422
    for message in ("Profil belum tersimpan.", "Keahlian tidak dikenal.",
                    "Garis lintang dan bujur harus diisi keduanya.", "Jarak 1 sampai 200 km."):
        assert message in response.text
    assert 'value="Tim SAR Desa"' in response.text and 'value="sar" checked' in response.text
    assert 'value="500"' in response.text and 'value="63.11.05.2001" selected' in response.text
    assert await VolunteerProfile.count() == 0


async def test_a_position_outside_indonesia_is_refused(client):
    await signed_in_volunteer(client)
    response = await save(client, {**PROFILE, "latitude": "51.5", "longitude": "-0.12"})
    assert response.status_code == 422
    assert "di luar Indonesia" in response.text


async def test_a_desa_left_from_another_kecamatan_is_dropped_and_the_kecamatan_kept(client):
    user = await signed_in_volunteer(client)
    response = await save(client, {**PROFILE, "kecamatan": "63.11.01", "latitude": "", "longitude": ""})
    assert response.status_code == 303
    profile = await VolunteerProfile.objects().get(VolunteerProfile.user == user.id).run()
    assert (profile.home_district, profile.home_village, profile.latitude) == ("63.11.01", None, None)


async def test_an_approved_volunteer_sees_verified_incidents_near_them_with_links(client):
    await signed_in_volunteer(client)
    await incident("KJ1", IncidentStatus.DITANGANI, *PARINGIN, title="Banjir Paringin")
    await incident("KJ2", IncidentStatus.DILAPORKAN, *PARINGIN, title="Belum diverifikasi")
    await save(client, PROFILE)
    page = (await client.get("/relawan")).text
    assert '<a href="/kejadian/KJ1">Banjir Paringin</a>' in page
    assert "Belum diverifikasi" not in page


async def test_before_a_profile_the_page_asks_for_one_instead_of_listing_incidents(client):
    await signed_in_volunteer(client)
    await incident("KJ1", IncidentStatus.TERVERIFIKASI, *PARINGIN)
    page = (await client.get("/relawan")).text
    assert "Isi profil di bawah" in page and "/kejadian/KJ1" not in page


async def test_a_volunteer_awaiting_approval_may_fill_the_profile_but_sees_no_incidents(client):
    user = await signed_in_volunteer(client, approved=False)
    await incident("KJ1", IncidentStatus.TERVERIFIKASI, *PARINGIN)
    assert (await save(client, PROFILE)).status_code == 303
    page = (await client.get("/relawan")).text
    assert "Menunggu persetujuan" in page and "Profil relawan" in page
    assert "Kejadian di dekat saya" not in page and "/kejadian/KJ1" not in page
    assert await VolunteerProfile.count() == 1 and user.id


async def test_a_field_officer_has_the_same_page(client):
    await make_user("petugas", Role.PETUGAS)
    await sign_in(client, "petugas")
    assert "Profil relawan" in (await client.get("/relawan")).text
    assert (await post_form(client, "/relawan", {"radius_km": "10"})).status_code == 303


async def test_staff_see_only_their_account_and_cannot_save_a_volunteer_profile(client):
    await make_user("siti", Role.KOORDINATOR, full_name="Siti Aminah")
    await sign_in(client, "siti")
    page = await client.get("/relawan")
    assert page.status_code == 200
    assert "Akun saya" in page.text and "Siti Aminah" in page.text and 'href="/akun/kata-sandi"' in page.text
    assert "Profil relawan" not in page.text and "Aktifkan notifikasi" not in page.text
    refused = await post_form(client, "/relawan", {"radius_km": "10"})
    assert refused.status_code == 403
    assert await VolunteerProfile.count() == 0


async def test_saving_needs_the_csrf_token(client):
    await signed_in_volunteer(client)
    assert (await client.post("/relawan", data=PROFILE)).status_code == 403
    assert await VolunteerProfile.count() == 0


async def incident(code, status, latitude, longitude, title="Kejadian", village="63.11.05.2001"):
    row = Incident(
        code=code, hazard="banjir", title=title, status=status, latitude=latitude, longitude=longitude,
        village=village, occurred_at=timeutil.now(),
    )
    await row.save().run()
    return row
