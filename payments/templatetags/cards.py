"""The customer page's saved cards section (customers/ never imports payments: the template loads this)."""

from django import template

register = template.Library()


@register.inclusion_tag("payments/cards/_customer_cards.html", takes_context=True)
def customer_saved_cards(context, customer):
    from organizations import permissions
    from payments.cards import checks, selectors
    from teams.models import Team

    user = context["request"].user
    if not permissions.can_view_saved_cards(user, customer):
        return {"visible": False}
    cards = selectors.saved_cards_for_customer(customer=customer)
    teams = Team.objects.filter(organization_id=user.organization_id, payments_enabled=True)
    return {
        "visible": True,
        "customer": customer,
        "cards": [(card, checks.card_chargeable(card)) for card in cards],
        "can_charge": any(permissions.can_charge_saved_card(user, t) for t in teams),
        "can_remove": permissions.can_manage_saved_cards(user, customer),
        "charges": selectors.card_charges_for_customer(customer=customer, limit=10),
        "plans": selectors.plans_for_customer(customer=customer),
        "csrf_token": context.get("csrf_token"),
    }
