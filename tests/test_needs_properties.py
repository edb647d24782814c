"""Properties of the calculator for any valid counts, horizons and rules (hypothesis)."""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lapor_bencana.needs.calculator import MAX_PEOPLE, NeedsInputs, calculate
from lapor_bencana.needs.rules import COUNTABLE_UNITS, Kind, Population, Rule, Standards, Unit, bundled_standards

GROUPS = (
    Population.AFFECTED_FAMILIES,
    Population.INFANTS,
    Population.ELDERLY,
    Population.PREGNANT,
    Population.DISABLED,
)
days = st.integers(1, 365)
headcounts = st.integers(0, MAX_PEOPLE) | st.integers(0, 2000)


@st.composite
def inputs(draw, public_kitchen=st.booleans()) -> NeedsInputs:
    displaced, affected = draw(headcounts), draw(headcounts)
    people = max(displaced, affected)
    groups = {group.value: draw(st.integers(0, people)) for group in GROUPS}
    return NeedsInputs(
        days=draw(days), displaced=displaced, affected_people=affected, public_kitchen=draw(public_kitchen), **groups
    )


@st.composite
def larger(draw, base: NeedsInputs) -> NeedsInputs:
    """The same incident with at least as many people in every count, still consistent."""
    displaced = base.displaced + draw(st.integers(0, MAX_PEOPLE - base.displaced))
    affected = base.affected_people + draw(st.integers(0, MAX_PEOPLE - base.affected_people))
    people = max(displaced, affected)
    groups = {group.value: draw(st.integers(base.count(group), people)) for group in GROUPS}
    return replace(base, displaced=displaced, affected_people=affected, **groups)


@st.composite
def rules(draw) -> Rule:
    unit = draw(st.sampled_from(sorted(Unit)))
    whole_steps = st.sampled_from([Decimal(1), Decimal(5), Decimal(25)])
    steps = (
        whole_steps
        if unit in COUNTABLE_UNITS
        else whole_steps | st.sampled_from([Decimal("0.1"), Decimal("0.5"), Decimal("0.001")])
    )
    per_people = draw(st.integers(1, 1000))
    later = draw(st.none() | st.tuples(st.integers(1, 364), st.integers(1, per_people)))
    return Rule(
        code="r",
        label="r",
        kind=draw(st.sampled_from(sorted(Kind))),
        unit=unit,
        quantity=draw(st.decimals(min_value=Decimal("0.001"), max_value=10_000, places=3)),
        per=draw(st.sampled_from(sorted(Population))),
        source="uji",
        per_people=per_people,
        every_days=draw(st.integers(0, 365)),
        round_to=draw(steps),
        public_kitchen=draw(st.none() | st.booleans()),
        after_days=later[0] if later and later[1] < per_people else None,
        per_people_after=later[1] if later and later[1] < per_people else None,
    )


standards = st.just(bundled_standards()) | st.lists(rules(), min_size=1, max_size=4).map(
    lambda drawn: Standards(version=2, rules=tuple(replace(rule, code=f"r{n}") for n, rule in enumerate(drawn)))
)


def quantities(inputs: NeedsInputs, standards: Standards) -> dict[str, Decimal]:
    result = calculate(inputs, standards)
    return {line.code: line.quantity for line in (*result.lines, *result.personnel)}


@given(inputs(), standards)
def test_no_quantity_is_ever_negative(counts, standards):
    assert all(quantity >= 0 for quantity in quantities(counts, standards).values())


@given(st.data(), inputs(), standards)
def test_more_people_never_need_less(data, counts, standards):
    more = data.draw(larger(counts))
    before, after = quantities(counts, standards), quantities(more, standards)
    assert all(after[code] >= before[code] for code in before)


@given(inputs(), days, standards)
def test_more_days_never_need_less(counts, extra_days, standards):
    longer = replace(counts, days=min(counts.days + extra_days, 365))
    before, after = quantities(counts, standards), quantities(longer, standards)
    assert all(after[code] >= before[code] for code in before)


@given(inputs(), standards)
def test_quantities_are_whole_wherever_the_rule_rounds_to_whole_units(counts, standards):
    result = calculate(counts, standards)
    rules_by_code = {rule.code: rule for rule in standards.rules}
    for line in (*result.lines, *result.personnel):
        if rules_by_code[line.code].whole:
            assert line.quantity == line.quantity.to_integral_value(), line
        if line.unit in COUNTABLE_UNITS:
            assert line.quantity == line.quantity.to_integral_value(), line


@given(inputs(), standards)
def test_rounding_never_leaves_anyone_short(counts, standards):
    result = calculate(counts, standards)
    for rule in standards.rules:
        line = result.line(rule.code)
        if line is None:
            continue
        longer_term = rule.after_days is not None and counts.days > rule.after_days
        per_people = rule.per_people_after if longer_term else rule.per_people
        periods = Decimal(counts.days) / rule.every_days if rule.every_days else 1
        proportional = rule.quantity * counts.count(rule.per) / per_people * periods
        # Whole groups, started periods and the rounding step only ever add to the exact need.
        assert line.quantity >= proportional.quantize(Decimal("0.000001"), rounding="ROUND_FLOOR"), line


@given(days, st.booleans(), standards)
def test_nobody_affected_needs_nothing(horizon, public_kitchen, standards):
    assert set(quantities(NeedsInputs(days=horizon, public_kitchen=public_kitchen), standards).values()) <= {0}


@given(inputs(), standards)
def test_only_rules_for_the_chosen_meal_supply_apply(counts, standards):
    result = calculate(counts, standards)
    for rule in standards.rules:
        applies = rule.public_kitchen in (None, counts.public_kitchen)
        assert (result.line(rule.code) is not None) == applies
