"""OpenAPI descriptions of the push-subscription API. The handlers read their JSON themselves (to
answer in Indonesian, per field), so Litestar cannot infer the request bodies."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema

from lapor_bencana.push.subscriptions import MAX_ENDPOINT_LENGTH
from lapor_bencana.reports.schema import ErrorDetail, FieldErrors, spec

ENDPOINT = Schema(type=OpenAPIType.STRING, format="uri", max_length=MAX_ENDPOINT_LENGTH)
SUBSCRIPTION_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["endpoint", "keys"],
    description="A browser's PushSubscription.toJSON()",
    properties={
        "endpoint": ENDPOINT,
        "expirationTime": Schema(type=[OpenAPIType.INTEGER, OpenAPIType.NULL]),
        "keys": Schema(
            type=OpenAPIType.OBJECT,
            required=["p256dh", "auth"],
            properties={"p256dh": Schema(type=OpenAPIType.STRING), "auth": Schema(type=OpenAPIType.STRING)},
        ),
    },
)


@dataclass
class StoredSubscription:
    endpoint: str
    created_at: str


_SIGNED_IN = {
    401: spec(ErrorDetail, "Not signed in"),
    403: spec(ErrorDetail, "The CSRF token of the app's page is missing or wrong"),
    400: spec(ErrorDetail, "The body is not JSON"),
    413: spec(ErrorDetail, "The body is over 8 KB"),
    422: spec(FieldErrors, "Not a usable subscription, or a push service that is not allowed"),
    503: spec(ErrorDetail, "The database is unavailable; nothing was stored. Retry after Retry-After seconds"),
}
STORE_RESPONSES = {201: spec(StoredSubscription, "Stored (or updated)"), **_SIGNED_IN}
REMOVE_RESPONSES = {
    204: spec(type(None), "Removed"),
    404: spec(ErrorDetail, "This account has no subscription with this endpoint"),
    **_SIGNED_IN,
}


@dataclass
class StoreSubscriptionOperation(Operation):
    def __post_init__(self) -> None:
        self.request_body = RequestBody(content={"application/json": OpenAPIMediaType(schema=SUBSCRIPTION_SCHEMA)}, required=True)


@dataclass
class RemoveSubscriptionOperation(Operation):
    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={
                "application/json": OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.OBJECT, required=["endpoint"], properties={"endpoint": ENDPOINT})
                )
            },
            required=True,
        )
