# Issue 17 (the dealer's day): the platform fee on refunds, receipt numbers. Staff pages: French.
T = {
    "Platform fee": {"fr": "Frais de plateforme"},
    "%(amount)s given back with the refunds": {"fr": "%(amount)s rendus avec les remboursements"},
    "Platform fee on refunds: a refund gives the platform fee back, all of it with a full refund and a proportional part with a partial one (Stripe's rule), so a refunded payment nets zero.": {
        "fr": "Frais de plateforme et remboursements : un remboursement rend les frais de plateforme, en totalité pour un remboursement complet et en proportion pour un remboursement partiel (règle de Stripe) ; un paiement remboursé donne donc un net de zéro."
    },
    "Platform fee on refunds: the platform keeps its fee when a payment is refunded, so a refund costs the dealership the fee.": {
        "fr": "Frais de plateforme et remboursements : la plateforme garde ses frais quand un paiement est remboursé ; un remboursement coûte donc les frais au concessionnaire."
    },
    "Platform fee given back": {"fr": "Frais de plateforme rendus"},
    "The platform fee comes back with it: %(amount)s of the %(fee)s fee (all of it with a full refund, a proportional part with a partial one).": {
        "fr": "Les frais de plateforme sont rendus avec ce remboursement : %(amount)s sur %(fee)s de frais (en totalité pour un remboursement complet, en proportion pour un remboursement partiel)."
    },
    "The platform fee of this payment has already been given back.": {
        "fr": "Les frais de plateforme de ce paiement ont déjà été rendus."
    },
    "The platform keeps its %(fee)s fee: this refund costs the dealership the fee.": {
        "fr": "La plateforme garde ses frais de %(fee)s : ce remboursement coûte les frais au concessionnaire."
    },
    "Platform fees given back with refunds": {"fr": "Frais de plateforme rendus avec les remboursements"},
    "receipt no.": {"fr": "n° de reçu"},
    "Receipt prefix": {"fr": "Préfixe des reçus"},
    "Starts every receipt number, e.g. MRM-2026-000123 (2 to 6 letters or digits). Receipts already given keep their number.": {
        "fr": "Début de chaque numéro de reçu, p. ex. MRM-2026-000123 (2 à 6 lettres ou chiffres). Les reçus déjà émis gardent leur numéro."
    },
    "Receipt prefix: 2 to 6 letters or digits, e.g. MRM.": {
        "fr": "Préfixe des reçus : 2 à 6 lettres ou chiffres, p. ex. MRM."
    },
    "Progress": {"fr": "Progression"},
    "Charged": {"fr": "Débité"},
    "Finished": {"fr": "Terminé"},
    "Running…": {"fr": "En cours…"},
    "Not charged": {"fr": "Non débités"},
    "%(fees)s of fees, less %(returned)s given back with refunds": {
        "fr": "%(fees)s de frais, moins %(returned)s rendus avec les remboursements"
    },
    "Each payout as Stripe settled it: its payments, less platform fees (less what refunds gave back of them), less the refunds deducted in it (often of payments paid out earlier). <em>Other</em> is anything else in it (a dispute, an adjustment).": {
        "fr": "Chaque versement tel que Stripe l’a réglé : ses paiements, moins les frais de plateforme (moins ce que les remboursements en ont rendu), moins les remboursements qui y ont été déduits (souvent de paiements versés plus tôt). <em>Autre</em> regroupe tout le reste (un litige, un ajustement)."
    },
    ("history", "Platform fee given back"): {"fr": "Frais de plateforme rendus"},
    "Platform fee of %(amount)s given back with the refund": {
        "fr": "Frais de plateforme de %(amount)s rendus avec le remboursement"
    },
}
