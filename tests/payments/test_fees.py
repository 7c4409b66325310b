"""Application fee: 3.25 % + $0.30, percentage part rounded half up, integer arithmetic."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from payments.fees import FeeSchedule, application_fee_for, application_fee_minor, fee_schedule_for
from tests.factories import OrganizationFactory

DEFAULT = FeeSchedule(basis_points=325, fixed_minor=30)


def reference_fee(amount_minor: int, schedule: FeeSchedule) -> int:
    """Independent oracle in Decimal: amount * rate, rounded half up to the cent, plus fixed."""
    pct = (Decimal(amount_minor) * Decimal(schedule.basis_points) / Decimal(10_000)).quantize(
        Decimal("1"), rounding=ROUND_HALF_UP
    )
    return min(int(pct) + schedule.fixed_minor, amount_minor)


@pytest.mark.parametrize(
    "amount_minor, expected",
    [
        (10_000, 355),  # $100.00 -> 3.25 + 0.30
        (1_000, 63),  # $10.00 -> 32.5 cents rounds half UP to 33, + 30
        (20, 20),  # $0.20 -> 0.65 -> 1 cent + 30 = 31, capped at the amount
        (50, 32),  # Stripe's minimum charge: 1.625 -> 2 + 30
        (1, 1),  # capped
        (0, 0),
        (5_000_000, 162_530),  # $50,000.00 -> 1,625.00 + 0.30
        (4_999_999, 162_530),  # 162499.9675 -> 162500 + 30
        (15_384, 530),  # 499.98 -> 500 + 30
        (15_369, 529),  # 499.4925 -> 499 + 30
    ],
)
def test_known_values(amount_minor, expected):
    assert application_fee_minor(amount_minor=amount_minor, schedule=DEFAULT) == reference_fee(
        amount_minor, DEFAULT
    )
    assert application_fee_minor(amount_minor=amount_minor, schedule=DEFAULT) == expected


def test_exact_half_cents_round_up_and_just_below_rounds_down():
    # amount * 325 / 10000 has fractional part exactly .5 when amount*325 % 10000 == 5000
    halves = [a for a in range(1, 200_000) if (a * 325) % 10_000 == 5_000]
    assert halves, "there are exact half-cent amounts to test"
    for amount in halves:
        exact_floor = amount * 325 // 10_000
        assert application_fee_minor(amount_minor=amount, schedule=FeeSchedule(325, 0)) == min(
            exact_floor + 1, amount
        )
    # one basis-point-unit below a half rounds down
    below = [a for a in range(1, 200_000) if (a * 325) % 10_000 == 4_975]
    for amount in below:
        assert (
            application_fee_minor(amount_minor=amount, schedule=FeeSchedule(325, 0)) == amount * 325 // 10_000
        )


def test_exhaustive_against_decimal_oracle_up_to_2000_dollars_and_near_the_limit():
    for amount in list(range(0, 200_001)) + list(range(4_990_000, 5_000_001)):
        assert application_fee_minor(amount_minor=amount, schedule=DEFAULT) == reference_fee(amount, DEFAULT)


@pytest.mark.parametrize(
    "schedule", [FeeSchedule(0, 0), FeeSchedule(0, 30), FeeSchedule(290, 0), FeeSchedule(1, 1)]
)
def test_other_schedules_against_oracle(schedule):
    for amount in range(0, 50_001, 7):
        assert application_fee_minor(amount_minor=amount, schedule=schedule) == reference_fee(
            amount, schedule
        )


def test_fee_never_exceeds_amount():
    for amount in range(0, 2_000):
        assert application_fee_minor(amount_minor=amount, schedule=DEFAULT) <= amount


def test_rejects_floats_and_negatives():
    with pytest.raises(TypeError):
        application_fee_minor(amount_minor=100.0, schedule=DEFAULT)
    with pytest.raises(TypeError):
        application_fee_minor(amount_minor=True, schedule=DEFAULT)
    with pytest.raises(ValueError):
        application_fee_minor(amount_minor=-1, schedule=DEFAULT)


@pytest.mark.django_db
def test_platform_default_from_settings_and_per_organization_override(settings):
    settings.PLATFORM_FEE_BASIS_POINTS = 325
    settings.PLATFORM_FEE_FIXED_MINOR = 30
    org = OrganizationFactory()
    assert fee_schedule_for(organization=org) == FeeSchedule(325, 30)
    assert application_fee_for(organization=org, amount_minor=10_000) == 355

    settings.PLATFORM_FEE_BASIS_POINTS = 300
    assert application_fee_for(organization=org, amount_minor=10_000) == 330

    org.fee_basis_points = 250
    assert application_fee_for(organization=org, amount_minor=10_000) == 280  # 2.50 + 0.30
    org.fee_fixed_minor = 0
    assert application_fee_for(organization=org, amount_minor=10_000) == 250
    org.fee_basis_points = None
    assert application_fee_for(organization=org, amount_minor=10_000) == 300  # platform 3.00 %, fixed 0
