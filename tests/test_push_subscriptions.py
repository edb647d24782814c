"""Saving and removing browser subscriptions (the service behind POST/DELETE /api/v1/push/subscriptions)."""

import pytest
from tests.push_helpers import jobs_by_status, local_push, new_volunteer, subscribed
from tests.push_service import Subscriber, b64url

from lapor_bencana.accounts.tables import User
from lapor_bencana.push import outbox
from lapor_bencana.push.outbox import PushMessage
from lapor_bencana.push.subscriptions import SubscriptionError, remove_subscription, save_subscription
from lapor_bencana.push.tables import PushSubscription

FCM = "https://fcm.googleapis.com/fcm/send/eXaMpLe:APA91bF"


def browser_json(endpoint: str = FCM) -> dict:
    return Subscriber(endpoint=endpoint).as_json()


async def test_it_saves_a_subscription_for_the_user(app, settings):
    user_id = await new_volunteer()
    data = browser_json()
    saved = await save_subscription(user_id, data, local_push(settings))
    assert saved.user == user_id
    assert (saved.endpoint, saved.p256dh, saved.auth) == (FCM, data["keys"]["p256dh"], data["keys"]["auth"])
    assert saved.created_at is not None and saved.last_success_at is None


async def test_the_same_browser_saving_again_updates_its_one_row(app, settings):
    first_user, second_user = await new_volunteer(), await new_volunteer()
    await save_subscription(first_user, browser_json(), local_push(settings))
    renewed = browser_json()
    saved = await save_subscription(second_user, renewed, local_push(settings))
    assert await PushSubscription.count() == 1
    assert saved.user == second_user
    assert saved.p256dh == renewed["keys"]["p256dh"]


async def test_padded_keys_are_stored_in_the_browsers_unpadded_form(app, settings):
    data = browser_json()
    data["keys"]["auth"] += "=="
    saved = await save_subscription(await new_volunteer(), data, local_push(settings))
    assert saved.auth == data["keys"]["auth"].rstrip("=")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda d: "not an object", "subscription", "objek JSON"),
        (lambda d: {**d, "endpoint": ""}, "endpoint", "wajib diisi"),
        (lambda d: {**d, "endpoint": FCM + "x" * 2048}, "endpoint", "terlalu panjang"),
        (lambda d: {**d, "endpoint": "https://evil.example.com/x"}, "endpoint", "tidak dikenal"),
        (lambda d: {**d, "endpoint": "http://fcm.googleapis.com/fcm/send/x"}, "endpoint", "https"),
        (lambda d: {**d, "keys": None}, "keys", "wajib diisi"),
        (lambda d: {**d, "keys": {**d["keys"], "p256dh": "not+base64/url"}}, "keys.p256dh", "P-256"),
        (lambda d: {**d, "keys": {**d["keys"], "p256dh": b64url(b"\x04" + b"\x01" * 64)}}, "keys.p256dh", "P-256"),
        (lambda d: {**d, "keys": {**d["keys"], "p256dh": d["keys"]["p256dh"][:40]}}, "keys.p256dh", "P-256"),
        (lambda d: {**d, "keys": {"p256dh": d["keys"]["p256dh"]}}, "keys.auth", "16 byte"),
        (lambda d: {**d, "keys": {**d["keys"], "auth": b64url(b"short")}}, "keys.auth", "16 byte"),
    ],
)
async def test_bad_subscription_data_is_refused_with_the_field_and_a_clear_message(
    app, settings, change, field, message
):
    with pytest.raises(SubscriptionError, match=message) as refused:
        await save_subscription(await new_volunteer(), change(browser_json()), local_push(settings))
    assert refused.value.field == field
    assert await PushSubscription.count() == 0


async def test_removing_a_subscription_drops_its_undelivered_messages(app, settings, push_service):
    user_id = await new_volunteer()
    subscriber = await subscribed(push_service, settings, user_id)
    await outbox.enqueue_for_users(PushMessage(payload="{}", ttl=600), [user_id])
    assert await remove_subscription(user_id, subscriber.endpoint) is True
    assert await PushSubscription.count() == 0
    assert await jobs_by_status() == {"gone": 1}
    assert await remove_subscription(user_id, subscriber.endpoint) is False


async def test_a_user_cannot_remove_someone_elses_subscription(app, settings, push_service):
    owner, other = await new_volunteer(), await new_volunteer()
    subscriber = await subscribed(push_service, settings, owner)
    assert await remove_subscription(other, subscriber.endpoint) is False
    assert await PushSubscription.count() == 1


async def test_deleting_a_user_deletes_their_subscriptions(app, settings, push_service):
    user_id = await new_volunteer()
    await subscribed(push_service, settings, user_id)
    await User.delete().where(User.id == user_id)
    assert await PushSubscription.count() == 0
