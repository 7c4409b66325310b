"""Bulk charge: many customers' saved cards at once (late fees, extras, a fleet's month-end).

1. `bulk_charge_create`: the selection (customer ids + amounts, from checkboxes or a CSV) becomes a run
   to REVIEW: count, total, platform fee, and who lacks a saved card with consent (skipped).
2. `bulk_charge_confirm`: RUNNING; SHARDS background tasks (queue "bulk") charge the items.
3. Each item gets ONE CardCharge, found by its submission key `bulk-item-<id>` (unique per
   organization) and committed with status SENDING before Stripe is called with the charge's own
   idempotency key; a shard writes and records its items BULK_CHARGE_BATCH at a time (bulk_charging.py).
   A worker killed mid-run leaves at most one batch of SENDING charges per shard: the resumed run (beat
   `payments.bulk_charges_resume`, or any re-queued shard) sends them again with the SAME keys, so
   Stripe replays them instead of charging twice. Two runners on one shard can't double charge either.
4. The shared token bucket (core/rate_limit.py) paces every worker together; a 429 is retried with
   back-off and the same key (the gateway first, then here).
5. Progress (done / failed / left) is read by the page every second; results as CSV."""

from __future__ import annotations

import csv
import io
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from babel.numbers import get_decimal_symbol
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import PermissionDenied
from core.i18n import amount_parse, babel_locale
from organizations import permissions
from payments.cards.bulk_charging import bulk_charge_batch_process
from payments.fees import application_fee_for
from payments.models import BulkCharge, BulkChargeItem, CardCharge, CardConsent, SavedCard
from payments.requests.states import PaymentRequestError

if TYPE_CHECKING:
    from organizations.models import User
    from teams.models import Team

logger = logging.getLogger(__name__)

MAX_ITEMS = 10_000
STALE_AFTER = timedelta(seconds=90)  # a running shard that made no progress for this long is resumed


def _fail(field: str, message: str) -> PaymentRequestError:
    return PaymentRequestError(message, extra={"fields": {field: [message]}})


def bulk_rows_from_csv(*, text: str, language: str | None = None) -> list[tuple[int, int]]:
    """`customer_id,amount` lines; a header line is allowed. Amounts are read the way the user's
    language writes them (core.i18n.amount_parse: `25.00` in English, `25,00` in French, never
    guessed: `1.234` in French is refused). A file whose first line has a `;` is read with `;`
    between columns (what a French spreadsheet writes, since `,` is its decimal mark); in a `,`
    file a French decimal comma must be quoted ("25,00")."""
    rows = []
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if ";" in first else ","
    # An unquoted 25,00 in a `,` file splits in two: with a decimal comma, a third column is refused.
    exact = delimiter == "," and get_decimal_symbol(babel_locale(language)) == ","
    for number, line in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if not line or not "".join(line).strip():
            continue
        if number == 1 and not line[0].strip().isdigit():
            continue  # header
        if len(line) < 2 or (exact and len(line) != 2) or not line[0].strip().isdigit():
            raise _fail("csv_file", _("Line %(n)s: expected customer_id,amount.") % {"n": number})
        try:
            amount = amount_parse(line[1].strip(), language=language)
        except ValueError as exc:
            raise _fail(
                "csv_file",
                _("Line %(n)s: %(amount)s is not an amount (%(why)s)")
                % {"n": number, "amount": repr(line[1].strip()), "why": str(exc).rstrip(".")},
            )
        rows.append((int(line[0]), amount))
    return rows


def _usable_card(customer_id: int) -> SavedCard | None:
    return (
        SavedCard.objects.filter(
            customer_id=customer_id, status=SavedCard.Status.ACTIVE, consents__isnull=False
        )
        .order_by("-created_at")
        .first()
    )


def bulk_charge_create(
    *, user: User, team: Team, description: str, reference: str, rows: list[tuple[int, int]]
) -> BulkCharge:
    organization = user.organization
    if not permissions.can_charge_saved_card(user, team):
        raise PermissionDenied(_("You can't charge saved cards for this team."))
    if not rows:
        raise _fail("customers", _("Choose at least one customer."))
    if len(rows) > MAX_ITEMS:
        raise _fail("customers", _("At most %(n)s customers in one run.") % {"n": MAX_ITEMS})
    if not (description or "").strip() or not (reference or "").strip():
        raise _fail("description", _("Describe the charge and give its reference number."))
    ids = [customer_id for customer_id, _ in rows]
    if len(set(ids)) != len(ids):
        raise _fail("customers", _("A customer appears twice."))
    from customers.models import Customer  # noqa: PLC0415

    known = set(Customer.objects.filter(organization=organization, pk__in=ids).values_list("pk", flat=True))
    unknown = [str(i) for i in ids if i not in known]
    if unknown:
        raise _fail(
            "customers", _("Not customers of your dealership: %(ids)s.") % {"ids": ", ".join(unknown[:10])}
        )
    for customer_id, amount in rows:
        if amount < 50 or amount > organization.max_payment_minor:
            raise _fail("customers", _("Customer %(id)s: the amount is out of range.") % {"id": customer_id})
    cards = {}
    for card in SavedCard.objects.filter(
        customer_id__in=ids, status=SavedCard.Status.ACTIVE, consents__isnull=False
    ).order_by("created_at"):
        cards[card.customer_id] = card  # the newest usable card wins
    with transaction.atomic():
        run = BulkCharge.objects.create(
            organization=organization,
            team=team,
            created_by=user,
            description=description.strip()[:500],
            reference=reference.strip()[:64],
            currency=organization.currency,
        )
        BulkChargeItem.objects.bulk_create(
            BulkChargeItem(
                run=run,
                customer_id=customer_id,
                amount_minor=amount,
                saved_card=cards.get(customer_id),
                status=BulkChargeItem.Status.PENDING
                if customer_id in cards
                else BulkChargeItem.Status.SKIPPED,
                message="" if customer_id in cards else "No saved card with consent.",
            )
            for customer_id, amount in rows
        )
    return run


@dataclass(frozen=True)
class BulkReview:
    count: int
    total_minor: int
    fee_minor: int
    skipped: list  # BulkChargeItem without a usable card


def bulk_charge_review(*, run: BulkCharge) -> BulkReview:
    items = list(run.items.select_related("customer"))
    chargeable = [i for i in items if i.status != BulkChargeItem.Status.SKIPPED]
    fee = sum(
        application_fee_for(organization=run.organization, amount_minor=i.amount_minor) for i in chargeable
    )
    return BulkReview(
        count=len(chargeable),
        total_minor=sum(i.amount_minor for i in chargeable),
        fee_minor=fee,
        skipped=[i for i in items if i.status == BulkChargeItem.Status.SKIPPED],
    )


def bulk_charge_confirm(*, user: User, run: BulkCharge) -> BulkCharge:
    from payments.cards.tasks import bulk_charge_shard_queue  # noqa: PLC0415 - tasks import this module

    if not permissions.can_charge_saved_card(user, run.team):
        raise PermissionDenied(_("You can't charge saved cards for this team."))
    with transaction.atomic():
        run = BulkCharge.objects.select_for_update().get(pk=run.pk)
        if run.status != BulkCharge.Status.REVIEW:
            return run  # a double click: already running
        run.status = BulkCharge.Status.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.save(update_fields=["status", "started_at", "heartbeat_at"])
        shards = settings.BULK_CHARGE_SHARDS
        transaction.on_commit(lambda: [bulk_charge_shard_queue(run.pk, s, shards) for s in range(shards)])
    return run


def bulk_charge_shard_items(*, run: BulkCharge, shard: int, shards: int) -> QuerySet[BulkChargeItem]:
    """A shard's pending items (item id % shards == shard, in SQL), oldest first, with what charging
    them reads: the card, its Stripe customer and account, the customer, and the card's consents
    (`card_chargeable` then asks the database nothing)."""
    return (
        BulkChargeItem.objects.filter(run=run, status=BulkChargeItem.Status.PENDING)
        .alias(shard=Mod("pk", shards))
        .filter(shard=shard)
        .select_related(
            "saved_card__stripe_customer__stripe_account", "saved_card__customer__organization", "customer"
        )
        .prefetch_related(Prefetch("saved_card__consents", CardConsent.objects.only("pk", "saved_card_id")))
        .order_by("pk")
    )


def bulk_charge_shard_run(*, run_id: int, shard: int, shards: int) -> int:
    """Charge this shard's pending items (item id % shards == shard), oldest first, BATCH at a time
    (bulk_charging.py). Returns how many it took."""
    run = BulkCharge.objects.select_related("organization", "team", "created_by").get(pk=run_id)
    if run.status != BulkCharge.Status.RUNNING:
        return 0
    pending = bulk_charge_shard_items(run=run, shard=shard, shards=shards)
    done = 0
    beat = time.monotonic()
    batch: list[BulkChargeItem] = []
    for item in pending.iterator(chunk_size=200):
        batch.append(item)
        if len(batch) < settings.BULK_CHARGE_BATCH:
            continue
        bulk_charge_batch_process(items=batch, run=run)
        done, batch = done + len(batch), []
        if time.monotonic() - beat > 5:
            BulkCharge.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
            beat = time.monotonic()
    if batch:
        bulk_charge_batch_process(items=batch, run=run)
        done += len(batch)
    bulk_charge_finish_if_done(run_id=run.pk)
    return done


def bulk_charge_finish_if_done(*, run_id: int) -> None:
    if not BulkChargeItem.objects.filter(run_id=run_id, status=BulkChargeItem.Status.PENDING).exists():
        BulkCharge.objects.filter(pk=run_id, status=BulkCharge.Status.RUNNING).update(
            status=BulkCharge.Status.DONE, finished_at=timezone.now()
        )


def bulk_charges_resume(*, now=None) -> list[int]:
    """Running runs whose shards stopped (a worker killed, a deploy): queue every shard again."""
    from payments.cards.tasks import bulk_charge_shard_queue  # noqa: PLC0415

    now = now or timezone.now()
    stale = BulkCharge.objects.filter(status=BulkCharge.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    resumed = []
    for run in stale:
        if BulkCharge.objects.filter(pk=run.pk, heartbeat_at=run.heartbeat_at).update(heartbeat_at=now):
            shards = settings.BULK_CHARGE_SHARDS
            for s in range(shards):
                bulk_charge_shard_queue(run.pk, s, shards)
            resumed.append(run.pk)
    return resumed


def bulk_charge_progress(*, run: BulkCharge) -> dict:
    counts = run.items.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=BulkChargeItem.Status.SUCCEEDED)),
        failed=Count(
            "pk", filter=Q(status__in=[BulkChargeItem.Status.FAILED, BulkChargeItem.Status.SKIPPED])
        ),
        left=Count("pk", filter=Q(status=BulkChargeItem.Status.PENDING)),
        paid_minor=Sum("amount_minor", filter=Q(status=BulkChargeItem.Status.SUCCEEDED)),
    )
    counts["paid_minor"] = counts["paid_minor"] or 0
    counts["status"] = BulkCharge.objects.filter(pk=run.pk).values_list("status", flat=True).first()
    return counts


def bulk_charge_failures(*, run: BulkCharge, limit: int = 200) -> list[BulkChargeItem]:
    """The items of a run that were not charged (failed or skipped), for its page."""
    return list(
        run.items.filter(status__in=[BulkChargeItem.Status.FAILED, BulkChargeItem.Status.SKIPPED])
        .select_related("customer")
        .order_by("id")[:limit]
    )


def bulk_charge_results_csv(*, run: BulkCharge) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["customer_id", "customer", "amount", "currency", "status", "card", "payment_request", "message"]
    )
    charges = {
        c.bulk_item_id: c
        for c in CardCharge.objects.filter(bulk_item__run=run)
        .order_by("attempt")
        .only("bulk_item_id", "payment_request_id")
    }
    for item in run.items.select_related("customer", "saved_card"):
        charge = charges.get(item.pk)
        name = item.customer.name
        if name[:1] in ("=", "+", "-", "@"):
            name = "'" + name  # never a formula in a spreadsheet
        writer.writerow(
            [
                item.customer_id,
                name,
                f"{item.amount_minor // 100}.{item.amount_minor % 100:02d}",
                run.currency,
                item.get_status_display(),
                item.saved_card.label if item.saved_card else "",
                charge.payment_request_id if charge else "",
                item.message,
            ]
        )
    return out.getvalue()


def bulk_charge_get_for_user(*, user: User, run_id: int) -> BulkCharge:
    from core.errors import NotFound  # noqa: PLC0415

    run = (
        BulkCharge.objects.select_related("team", "organization")
        .filter(organization=user.organization, pk=run_id)
        .first()
    )
    if run is None or not permissions.can_charge_saved_card(user, run.team):
        raise NotFound("Bulk charge not found.")
    return run
