"""The VAPID identity: made once and kept, served to browsers, signed into one token per push service."""

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from pydantic import ValidationError

from lapor_bencana import config
from lapor_bencana.cli import main
from lapor_bencana.config import Settings, _stored_secret
from lapor_bencana.push.vapid import (
    TOKEN_LIFETIME_S,
    VapidSigner,
    b64url,
    b64url_decode,
    generate_private_key,
    keys_from_text,
)


class LogRecorder:
    def __init__(self) -> None:
        self.warnings: list[tuple[str, dict]] = []

    def warning(self, event: str, **fields) -> None:
        self.warnings.append((event, fields))


def test_a_missing_key_is_generated_once_kept_private_and_logged(tmp_path, monkeypatch):
    log = LogRecorder()
    monkeypatch.setattr(config, "log", log)
    first = Settings(data_dir=tmp_path).effective_vapid_private_key
    assert Settings(data_dir=tmp_path).effective_vapid_private_key == first
    path = tmp_path / "vapid_private_key"
    assert path.stat().st_mode & 0o077 == 0
    [(event, fields)] = log.warnings
    assert event == "secret generated" and fields["path"] == str(path)
    assert "LAPOR_VAPID_PRIVATE_KEY" in fields["hint"]


def test_processes_generating_the_key_at_the_same_moment_agree_on_one(tmp_path):
    path = tmp_path / "vapid_private_key"
    first = generate_private_key()

    def generate_while_another_process_stores_its_key():
        path.write_text(first)
        return generate_private_key()

    assert _stored_secret(path, generate_while_another_process_stores_its_key, "LAPOR_VAPID_PRIVATE_KEY") == first
    assert list(tmp_path.iterdir()) == [path]


def test_a_configured_key_is_used_and_nothing_is_written(tmp_path):
    key = generate_private_key()
    assert Settings(data_dir=tmp_path, vapid_private_key=key).effective_vapid_private_key == key
    assert not (tmp_path / "vapid_private_key").exists()


def test_a_key_in_der_or_pem_form_gives_the_same_public_key():
    keys = keys_from_text(generate_private_key())
    der = keys.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pem = keys.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert keys_from_text(b64url(der)).application_server_key == keys.application_server_key
    assert keys_from_text(pem.decode()).application_server_key == keys.application_server_key


@pytest.mark.parametrize("bad", ["not-a-key", "AAAA", "-----BEGIN PRIVATE KEY-----\nxyz\n-----END PRIVATE KEY-----"])
def test_a_bad_configured_key_is_refused_at_start(tmp_path, bad):
    with pytest.raises(ValidationError, match="P-256 private key"):
        Settings(data_dir=tmp_path, vapid_private_key=bad)


@pytest.mark.parametrize(
    "subject", ["dinsos@balangankab.go.id", "mailto:dinsos", "https://localhost", "https://x.id/a"]
)
def test_the_subject_must_be_a_contact_address_push_services_accept(tmp_path, subject):
    with pytest.raises(ValidationError, match="mailto"):
        Settings(data_dir=tmp_path, vapid_subject=subject)


async def test_the_public_key_route_answers_the_application_server_key(client, settings):
    response = await client.get("/api/v1/push/public-key")
    assert response.status_code == 200
    key = response.json()["public_key"]
    assert key == keys_from_text(settings.effective_vapid_private_key).application_server_key
    point = b64url_decode(key)
    assert len(point) == 65 and point[0] == 4
    assert "=" not in key and "+" not in key and "/" not in key
    assert "max-age=300" in response.headers["cache-control"]


def test_the_signer_makes_one_token_per_origin_and_renews_it_before_it_expires():
    clock = [1_000_000.0]
    signer = VapidSigner(keys_from_text(generate_private_key()), "mailto:a@b.go.id", clock=lambda: clock[0])
    fcm = signer.authorization("https://fcm.googleapis.com")
    mozilla = signer.authorization("https://updates.push.services.mozilla.com")
    assert fcm != mozilla
    clock[0] += TOKEN_LIFETIME_S / 2
    assert signer.authorization("https://fcm.googleapis.com") is fcm
    clock[0] += TOKEN_LIFETIME_S / 2 - 60
    assert signer.authorization("https://fcm.googleapis.com") != fcm


@pytest.fixture
def lapor(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, **env: str):
        env = {"LAPOR_DATA_DIR": str(tmp_path / "data"), "LAPOR_VAPID_PRIVATE_KEY": "", **env}
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


def test_vapid_generate_creates_the_key_then_refuses_to_replace_it(lapor, tmp_path):
    created = lapor("vapid", "generate")
    assert created.exit_code == 0, created.output
    path = tmp_path / "data" / "vapid_private_key"
    public = keys_from_text(path.read_text()).application_server_key
    assert public in created.output
    again = lapor("vapid", "generate")
    assert again.exit_code == 1
    assert "already exists" in again.output and "Traceback" not in again.output
    assert keys_from_text(path.read_text()).application_server_key == public


def test_vapid_generate_with_a_configured_key_says_so(lapor, tmp_path):
    result = lapor("vapid", "generate", LAPOR_VAPID_PRIVATE_KEY=generate_private_key())
    assert result.exit_code == 1
    assert "LAPOR_VAPID_PRIVATE_KEY is set" in result.output
    assert not (tmp_path / "data" / "vapid_private_key").exists()


def test_vapid_generate_where_it_cannot_write_says_so(lapor, tmp_path):
    (tmp_path / "data").write_text("a file where the data directory should be")
    result = lapor("vapid", "generate")
    assert result.exit_code == 1
    assert "Cannot write the VAPID key" in result.output and "Traceback" not in result.output
