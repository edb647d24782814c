"""OpenAPI descriptions of the report API, written from the same limits the validator enforces.

The create handler reads its JSON itself (to answer in Indonesian, per field), so Litestar
cannot infer the request body; these schemas document it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from litestar.openapi import ResponseSpec
from litestar.openapi.spec import (
    Link,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    Parameter,
    RequestBody,
    Schema,
)

from lapor_bencana.hazards import HAZARDS
from lapor_bencana.impact import HOUSE_COUNTS, PEOPLE_COUNTS
from lapor_bencana.reports.attribution import CLIENT_NAME_HEADER, CLIENT_NAME_PATTERN
from lapor_bencana.reports.intake import HONEYPOT_FIELD, IDEMPOTENCY_KEY_PATTERN
from lapor_bencana.reports.validation import (
    CLAIMABLE_LOCATION_SOURCES,
    INDONESIA_BOUNDS,
    LOCAL_TIME,
    MAX_ACCURACY_M,
    MAX_HOUSES,
    MAX_PEOPLE,
    MAX_PHONE_LENGTH,
    PHONE_INPUT_PATTERN,
    TEXT_LIMITS,
    VILLAGE_CODE_PATTERN,
)


NULL = Schema(type=OpenAPIType.NULL)
EMPTY = Schema(type=OpenAPIType.STRING, max_length=0)


def _optional(schema: Schema) -> Schema:
    """An optional field: its value, or null or "" (both mean absent)."""
    return Schema(any_of=[schema, NULL, EMPTY], description=schema.description)


def _count(maximum: int) -> Schema:
    return _optional(Schema(type=OpenAPIType.INTEGER, minimum=0, maximum=maximum))


def _number(low: float, high: float, description: str) -> Schema:
    return _optional(Schema(type=OpenAPIType.NUMBER, minimum=low, maximum=high, description=description))


def _text(pattern: re.Pattern[str] | None = None, max_length: int | None = None, description: str | None = None) -> Schema:
    return Schema(
        type=[OpenAPIType.STRING, OpenAPIType.NULL],
        pattern=pattern.pattern if pattern else None,
        max_length=max_length,
        description=description,
    )


def _anchored(expression: str) -> str:
    return f"^({expression})$"


_IS_NUMBER = Schema(type=OpenAPIType.NUMBER)
_NOT_NUMBER = Schema(schema_not=_IS_NUMBER)
# Where: a position (both coordinates), or a village without half a position.
_PLACE_RULE = [
    Schema(required=["latitude", "longitude"], properties={"latitude": _IS_NUMBER, "longitude": _IS_NUMBER}),
    Schema(
        required=["village_code"],
        properties={
            "village_code": Schema(type=OpenAPIType.STRING, min_length=1),
            "latitude": _NOT_NUMBER,
            "longitude": _NOT_NUMBER,
        },
    ),
]

REPORT_CREATE_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["hazard"],
    description=(
        "Optional fields may be left out, or sent as null or \"\": all three mean absent. Where: latitude and "
        "longitude together, or village_code, or both; without village_code, the village is derived from the "
        "position. Rules no schema can state, answered 422 with a message for the field: occurred_at must not "
        "be in the future (15 minutes' grace) nor over a year ago, village_code must be a village of the "
        "configured regency, and a position more than 5 km outside the configured regency's boundary is "
        "refused. Fields not listed here are ignored."
    ),
    any_of=_PLACE_RULE,
    properties={
        "hazard": Schema(type=OpenAPIType.STRING, enum=[h.code for h in HAZARDS]),
        "occurred_at": Schema(
            any_of=[
                Schema(type=OpenAPIType.STRING, format="date-time"),
                Schema(type=OpenAPIType.STRING, pattern=_anchored(LOCAL_TIME)),
                NULL,
                EMPTY,
            ],
            description=(
                "RFC 3339 date-time, or a local date-time without offset (the regency's time zone); a real "
                "calendar moment (no 31 February, no leap second); default now; not in the future, not over a year ago"
            ),
        ),
        "latitude": _number(*INDONESIA_BOUNDS["lat"], "degrees, inside Indonesia"),
        "longitude": _number(*INDONESIA_BOUNDS["lon"], "degrees, inside Indonesia"),
        "accuracy_m": _number(0, MAX_ACCURACY_M, "metres"),
        "village_code": _text(
            re.compile(f"^({VILLAGE_CODE_PATTERN.pattern[1:-1]})?$"),
            description="Kemendagri village code of a village inside the configured regency",
        ),
        **{name: _text(max_length=limit) for name, limit in TEXT_LIMITS.items()},
        "reporter_phone": _text(
            re.compile(f"^({PHONE_INPUT_PATTERN.pattern[1:-1]})?$"),
            MAX_PHONE_LENGTH,
            "Indonesian mobile number as people write it, e.g. 0812 3456 7890; stored as +62…",
        ),
        "location_source": Schema(
            type=[OpenAPIType.STRING, OpenAPIType.NULL],
            enum=["", *CLAIMABLE_LOCATION_SOURCES, None],
            description="Where latitude and longitude came from: the device's GPS (default) or a photo's GPS data",
        ),
        HONEYPOT_FIELD: Schema(
            type=[OpenAPIType.STRING, OpenAPIType.NULL],
            max_length=0,
            description="Leave empty: the report page's trap for bots",
        ),
        **{name: _count(MAX_PEOPLE) for name in PEOPLE_COUNTS},
        **{name: _count(MAX_HOUSES) for name in HOUSE_COUNTS},
    },
)


IDEMPOTENCY_KEY = Parameter(
    name="Idempotency-Key",
    param_in="header",
    required=False,
    description="Chosen by the client once per report and sent again with every retry of it",
    schema=Schema(type=OpenAPIType.STRING, pattern=IDEMPOTENCY_KEY_PATTERN.pattern, max_length=128),
)


CLIENT_NAME = Parameter(
    name=CLIENT_NAME_HEADER,
    param_in="header",
    required=False,
    description=(
        "Your system's name, shown to the desk as the report's sender (\"Sistem lain (API): <name>\"). "
        "The app's own report page sends lapor-bencana-form, or lapor-bencana-outbox for a report the "
        "phone kept offline: those are residents' reports (or a signed-in officer's, with the page's CSRF header)."
    ),
    schema=Schema(type=OpenAPIType.STRING, pattern=CLIENT_NAME_PATTERN.pattern, max_length=64),
)
LOCATION = OpenAPIHeader(
    description="Where the report's public status is: GET /api/v1/reports/{code}",
    schema=Schema(type=OpenAPIType.STRING),
    required=True,
)
# Where a client reads the report it made (and what Schemathesis follows in its stateful phase). Adding
# photos needs the request's Idempotency-Key, which a link cannot take from a request sent without one.
REPORT_LINKS = {
    "GetReport": Link(operation_id="ApiV1ReportsCodeGetReport", parameters={"code": "$response.body#/code"}),
}


@dataclass
class TimelineStep:
    status: str
    at: str
    note: str


@dataclass
class PublicReport:
    """What anyone holding the tracking code may see of a report."""

    code: str
    display_code: str
    status: str
    hazard: str
    occurred_at: str
    received_at: str
    village_code: str | None
    village_name: str | None
    # True when the village was derived from the position rather than picked by the reporter.
    village_derived: bool
    district_name: str | None
    timeline: list[TimelineStep]


@dataclass
class FieldErrors:
    detail: str
    errors: dict[str, str]


@dataclass
class ErrorDetail:
    detail: str
    status_code: int | None = None


@dataclass
class PhotoCount:
    photos: int


def spec(container: type, description: str) -> ResponseSpec:
    return ResponseSpec(data_container=container, description=description, generate_examples=False)


# Answers every JSON operation may give when something is wrong outside the request itself.
UNAVAILABLE = {
    429: spec(ErrorDetail, "Too many reports from this address in a minute (public writes only)"),
    503: spec(ErrorDetail, "The database is unavailable; nothing was stored. Retry after Retry-After seconds"),
}
CREATE_RESPONSES = {
    201: spec(PublicReport, "Stored"),
    200: spec(PublicReport, "Stored before under the same Idempotency-Key"),
    400: spec(ErrorDetail, "The body is not a JSON object"),
    413: spec(ErrorDetail, "The body is over 64 KB"),
    422: spec(
        FieldErrors,
        "Messages in Indonesian per field, or for a header (Idempotency-Key, X-Client-Name); also when the "
        "Idempotency-Key was used before with other content",
    ),
    **UNAVAILABLE,
}
STATUS_RESPONSES = {
    200: spec(PublicReport, "The report's public status"),
    404: spec(ErrorDetail, "No report has this code"),
    503: UNAVAILABLE[503],
}
PHOTO_RESPONSES = {
    201: spec(PhotoCount, "Stored (or already there); the report's number of photos"),
    400: spec(ErrorDetail, "The body is not a readable form"),
    404: spec(ErrorDetail, "No such report, or the Idempotency-Key is not the report's own"),
    413: spec(ErrorDetail, "The upload is over 10 MB"),
    422: spec(FieldErrors, "Not a usable photo, or the report has five already"),
    **UNAVAILABLE,
}


@dataclass
class CreateReportOperation(Operation):
    def __post_init__(self) -> None:
        self.parameters = [IDEMPOTENCY_KEY, CLIENT_NAME]
        for status in ("200", "201"):
            self.responses[status].headers = {"Location": LOCATION}
            self.responses[status].links = REPORT_LINKS
        self.request_body = RequestBody(
            content={"application/json": OpenAPIMediaType(schema=REPORT_CREATE_SCHEMA)}, required=True
        )


@dataclass
class AddPhotoOperation(Operation):
    def __post_init__(self) -> None:
        self.parameters = [*(self.parameters or []), IDEMPOTENCY_KEY]
        self.request_body = RequestBody(
            content={
                "multipart/form-data": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT,
                        required=["photo"],
                        properties={"photo": Schema(type=OpenAPIType.STRING, format="binary")},
                    )
                )
            },
            required=True,
        )
