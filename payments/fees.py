"""The platform's application fee on a payment: a percentage plus a fixed amount.

Pricing comes from settings (`PLATFORM_FEE_BASIS_POINTS`, default 325 = 3.25 %, and
`PLATFORM_FEE_FIXED_MINOR`, default 30 = $0.30 / CA$0.30); an organization may override either
one (`Organization.fee_basis_points`, `Organization.fee_fixed_minor`; None = platform default).

Rounding rule (integer arithmetic only, never floats):

    percentage_part = floor((amount_minor * basis_points + 5_000) / 10_000)
    fee_minor       = min(percentage_part + fixed_minor, amount_minor)

i.e. the percentage part is rounded half up to the nearest cent (an exact half cent goes up:
$0.20 * 3.25 % = 0.65 cents -> 1 cent; $10.00 * 3.25 % = 32.5 cents -> 33 cents), then the fixed
part is added. The fee never exceeds the amount charged (Stripe refuses an application fee larger
than the charge), so a tiny partial payment carries at most its own amount as fee.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

BASIS_POINTS_PER_UNIT = 10_000  # 100 % = 10,000 basis points


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    basis_points: int
    fixed_minor: int


def fee_schedule_for(*, organization=None) -> FeeSchedule:
    """The fee schedule in force for an organization (its overrides, else the platform's)."""
    basis_points = settings.PLATFORM_FEE_BASIS_POINTS
    fixed_minor = settings.PLATFORM_FEE_FIXED_MINOR
    if organization is not None:
        if organization.fee_basis_points is not None:
            basis_points = organization.fee_basis_points
        if organization.fee_fixed_minor is not None:
            fixed_minor = organization.fee_fixed_minor
    return FeeSchedule(basis_points=int(basis_points), fixed_minor=int(fixed_minor))


def application_fee_minor(*, amount_minor: int, schedule: FeeSchedule) -> int:
    """The application fee for a charge of `amount_minor` (see the module docstring)."""
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        raise TypeError("amount_minor must be an int number of minor units")
    if amount_minor < 0:
        raise ValueError("amount_minor must not be negative")
    if schedule.basis_points < 0 or schedule.fixed_minor < 0:
        raise ValueError("fee schedule must not be negative")
    half = BASIS_POINTS_PER_UNIT // 2
    percentage_part = (amount_minor * schedule.basis_points + half) // BASIS_POINTS_PER_UNIT
    return min(percentage_part + schedule.fixed_minor, amount_minor)


def application_fee_for(*, organization, amount_minor: int) -> int:
    return application_fee_minor(
        amount_minor=amount_minor, schedule=fee_schedule_for(organization=organization)
    )
