"""Schemathesis's positive_data_acceptance, less the rules the API's operations state in words
because no JSON Schema can: for reports the time window of occurred_at, the village being one of
the configured regency's, an Idempotency-Key already used with other content, and a photo being a
decodable image (reports/schema.py, reports/api.py); for push subscriptions an endpoint of a known
push service (push/routes.py).
A schema-valid request refused for anything else still fails; tests/test_report_schema_agreement.py
checks the same agreement field by field. For the command line:

    SCHEMATHESIS_HOOKS=tests.fuzz_checks schemathesis run URL/schema/openapi.json \
        --checks all --exclude-checks positive_data_acceptance
"""

from __future__ import annotations

import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

# Operation → the fields whose 422 answers come from rules stated only in the description.
STATED_RULES = {
    # latitude: a position more than the margin outside the regency's boundary (the schema says so in words).
    "POST /api/v1/reports": {"occurred_at", "village_code", "latitude", "Idempotency-Key"},
    "POST /api/v1/reports/{code}/photos": {"photo"},
    "POST /api/v1/push/subscriptions": {"endpoint"},
}


def _refused_for_stated_rules_only(response, case) -> bool:
    if response.status_code != 422:
        return False
    try:
        fields = set(response.json().get("errors", {}))
    except ValueError:
        return False
    return bool(fields) and fields <= STATED_RULES.get(case.operation.label, set())


@schemathesis.check
def positive_data_acceptance_beyond_stated_rules(ctx, response, case):
    if _refused_for_stated_rules_only(response, case):
        return None
    return positive_data_acceptance(ctx, response, case)
