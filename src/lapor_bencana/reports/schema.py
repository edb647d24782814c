"""OpenAPI descriptions of the report API, written from the same limits the validator enforces.

The create handler reads its JSON itself (to answer in Indonesian, per field), so Litestar
cannot infer the request body; these schemas document it.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, Parameter, RequestBody, Schema

from lapor_bencana.hazards import HAZARDS
from lapor_bencana.impact import HOUSE_COUNTS, PEOPLE_COUNTS
from lapor_bencana.reports.intake import IDEMPOTENCY_KEY_PATTERN
from lapor_bencana.reports.validation import INDONESIA_BOUNDS, MAX_ACCURACY_M, MAX_HOUSES, MAX_PEOPLE, TEXT_LIMITS


def _count(maximum: int) -> Schema:
    return Schema(type=[OpenAPIType.INTEGER, OpenAPIType.NULL], minimum=0, maximum=maximum)


def _number(low: float, high: float, description: str) -> Schema:
    return Schema(type=[OpenAPIType.NUMBER, OpenAPIType.NULL], minimum=low, maximum=high, description=description)


REPORT_CREATE_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["hazard"],
    description=(
        "At least one of latitude+longitude or village_code is required. A position more than 5 km outside"
        " the configured regency's boundary is refused (422); without village_code, the village is derived"
        " from the position."
    ),
    properties={
        "hazard": Schema(type=OpenAPIType.STRING, enum=[h.code for h in HAZARDS]),
        "occurred_at": Schema(
            type=[OpenAPIType.STRING, OpenAPIType.NULL],
            format="date-time",
            description="ISO 8601; default now; not in the future, not over a year ago",
        ),
        "latitude": _number(*INDONESIA_BOUNDS["lat"], "degrees, inside Indonesia"),
        "longitude": _number(*INDONESIA_BOUNDS["lon"], "degrees, inside Indonesia"),
        "accuracy_m": _number(0, MAX_ACCURACY_M, "metres"),
        "village_code": Schema(
            type=[OpenAPIType.STRING, OpenAPIType.NULL],
            pattern=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$",
            description="Kemendagri village code inside the configured regency",
        ),
        **{name: Schema(type=[OpenAPIType.STRING, OpenAPIType.NULL], max_length=limit) for name, limit in TEXT_LIMITS.items()},
        "reporter_phone": Schema(type=[OpenAPIType.STRING, OpenAPIType.NULL], max_length=30),
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
    422: spec(FieldErrors, "Messages in Indonesian per field (or for the Idempotency-Key header)"),
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
        self.parameters = [IDEMPOTENCY_KEY]
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
