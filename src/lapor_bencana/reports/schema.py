"""OpenAPI descriptions of the report API, written from the same limits the validator enforces.

The create handler reads its JSON itself (to answer in Indonesian, per field), so Litestar
cannot infer the request body; these schemas document it.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema

from lapor_bencana.hazards import HAZARDS
from lapor_bencana.impact import HOUSE_COUNTS, PEOPLE_COUNTS
from lapor_bencana.reports.validation import INDONESIA_BOUNDS, MAX_ACCURACY_M, MAX_HOUSES, MAX_PEOPLE, TEXT_LIMITS


def _count(maximum: int) -> Schema:
    return Schema(type=[OpenAPIType.INTEGER, OpenAPIType.NULL], minimum=0, maximum=maximum)


def _number(low: float, high: float, description: str) -> Schema:
    return Schema(type=[OpenAPIType.NUMBER, OpenAPIType.NULL], minimum=low, maximum=high, description=description)


REPORT_CREATE_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["hazard"],
    description="At least one of latitude+longitude or village_code is required.",
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


@dataclass
class CreateReportOperation(Operation):
    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={"application/json": OpenAPIMediaType(schema=REPORT_CREATE_SCHEMA)}, required=True
        )


@dataclass
class AddPhotoOperation(Operation):
    def __post_init__(self) -> None:
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
