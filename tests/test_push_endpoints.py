"""Subscription endpoints are accepted only for known push services, so the server cannot be aimed
at arbitrary addresses."""

import pytest

from lapor_bencana.config import DEFAULT_PUSH_HOSTS, Settings
from lapor_bencana.push.endpoints import EndpointPolicy, EndpointRefused

POLICY = EndpointPolicy(allowed_hosts=DEFAULT_PUSH_HOSTS)
TESTING = EndpointPolicy(allowed_hosts=DEFAULT_PUSH_HOSTS, allow_loopback=True)


def audience(policy: EndpointPolicy, endpoint: str) -> str:
    """What the sender names as the VAPID audience (the origin) of an accepted endpoint."""
    return str(policy.checked(endpoint).origin())


@pytest.mark.parametrize(
    ("endpoint", "origin"),
    [
        ("https://fcm.googleapis.com/fcm/send/dXk1:APA91bH", "https://fcm.googleapis.com"),
        ("https://updates.push.services.mozilla.com/wpush/v2/gAAAAABm", "https://updates.push.services.mozilla.com"),
        ("https://wns2-sg2p.notify.windows.com/w/?token=BQYAAAD", "https://wns2-sg2p.notify.windows.com"),
        ("https://web.push.apple.com/QGuQyavXutnMH", "https://web.push.apple.com"),
        ("https://FCM.googleapis.com:443/fcm/send/x", "https://fcm.googleapis.com"),
    ],
)
def test_it_accepts_the_browsers_push_services_and_names_their_origin(endpoint, origin):
    assert audience(POLICY, endpoint) == origin


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://evil.example.com/fcm/send/x",
        "https://fcm.googleapis.com.evil.example.com/x",
        "https://evilpush.services.mozilla.com/x",
        "https://push.services.mozilla.com.attacker.net/x",
        "https://internal.notify.windows.com.local/x",
    ],
)
def test_it_refuses_foreign_hosts(endpoint):
    with pytest.raises(EndpointRefused, match="tidak dikenal"):
        POLICY.checked(endpoint)


@pytest.mark.parametrize(
    "endpoint",
    ["http://fcm.googleapis.com/fcm/send/x", "ftp://fcm.googleapis.com/x", "file:///etc/passwd"],
)
def test_it_refuses_anything_but_https(endpoint):
    with pytest.raises(EndpointRefused):
        POLICY.checked(endpoint)


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.0.0.1/x",
        "https://10.0.0.5/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/x",
        "https://[fd00::1]/x",
        "https://2130706433/x",
        "https://0x7f000001/x",
        "https://127.1/x",
    ],
)
def test_it_refuses_ip_literals(endpoint):
    with pytest.raises(EndpointRefused, match="alamat IP"):
        POLICY.checked(endpoint)


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://user:secret@fcm.googleapis.com/x",
        "https://fcm.googleapis.com\\@evil.example.com/x",
        "https://fcm.googleapis.com/x y",
        "fcm.googleapis.com/fcm/send/x",
        "https:///x",
        "",
        # Not valid punycode: decoding the host fails (it once escaped as a UnicodeError).
        "https://xn--fcm-googleapis-com.example/x",
        "https://fcm.xn--googleapis-com.com/x",
    ],
)
def test_it_refuses_malformed_and_disguised_addresses(endpoint):
    with pytest.raises(EndpointRefused):
        POLICY.checked(endpoint)


def test_it_refuses_another_port_on_a_known_host():
    with pytest.raises(EndpointRefused, match="443"):
        POLICY.checked("https://fcm.googleapis.com:8443/fcm/send/x")


def test_loopback_is_accepted_only_by_a_policy_the_tests_build():
    endpoint = "http://127.0.0.1:8765/push/abc"
    assert audience(TESTING, endpoint) == "http://127.0.0.1:8765"
    assert audience(TESTING, "http://localhost:8765/push/abc") == "http://localhost:8765"
    with pytest.raises(EndpointRefused):
        POLICY.checked(endpoint)
    with pytest.raises(EndpointRefused):
        TESTING.checked("http://10.0.0.5:8765/push/abc")


def test_the_policy_follows_the_settings(tmp_path):
    settings = Settings(data_dir=tmp_path, push_allowed_hosts="push.example.org, *.Push.Example.net")
    policy = EndpointPolicy.from_settings(settings)
    assert settings.push_allowed_hosts == ("push.example.org", "*.push.example.net")
    assert audience(policy, "https://a.push.example.net/x") == "https://a.push.example.net"
    with pytest.raises(EndpointRefused):
        policy.checked("https://fcm.googleapis.com/fcm/send/x")
    assert not policy.allow_loopback


def test_no_setting_lets_a_deployed_server_send_to_loopback(tmp_path, monkeypatch):
    # A stray LAPOR_TESTING (it once switched loopback endpoints on) must open nothing.
    monkeypatch.setenv("LAPOR_TESTING", "true")
    (tmp_path / ".env").write_text("LAPOR_TESTING=true\n")
    monkeypatch.chdir(tmp_path)
    policy = EndpointPolicy.from_settings(Settings(data_dir=tmp_path))
    for endpoint in ("http://127.0.0.1:6379/x", "http://localhost:8765/push/abc", "https://127.0.0.1/x"):
        with pytest.raises(EndpointRefused):
            policy.checked(endpoint)
