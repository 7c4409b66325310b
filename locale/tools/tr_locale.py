# Staff strings of the one date format, the history in the reader's language, payout statuses,
# and the card-on-file views' messages and form errors (French; fr_CA where Quebec usage differs:
# texto, courriel).
def fr(text, fr_ca=None):
    return {"fr": text, **({"fr_CA": fr_ca} if fr_ca else {})}


T = {
    # cards: form errors and flash messages
    "Line %(n)s: expected customer_id,amount.": fr("Ligne %(n)s : customer_id,montant attendu."),
    "Line %(n)s: %(amount)s is not an amount (%(why)s)": fr(
        "Ligne %(n)s : %(amount)s n’est pas un montant (%(why)s)"
    ),
    "At most %(n)s customers in one run.": fr("Au plus %(n)s clients par lot."),
    "Describe the charge and give its reference number.": fr(
        "Décrivez le prélèvement et donnez son numéro de référence."
    ),
    "Not customers of your dealership: %(ids)s.": fr(
        "Ne sont pas des clients de votre concession : %(ids)s."
    ),
    "Customer %(id)s: the amount is out of range.": fr(
        "Client %(id)s : le montant est hors des limites permises."
    ),
    "The card was removed.": fr("La carte a été retirée."),
    "No consent on record for this card.": fr("Aucune autorisation enregistrée pour cette carte."),
    "Describe what the charge is for (under 500 characters).": fr(
        "Décrivez l’objet du prélèvement (moins de 500 caractères)."
    ),
    "Stripe is busy: the charge will be sent in a moment.": fr(
        "Stripe est occupé : le prélèvement partira dans un instant."
    ),
    "Installment %(n)s is due before today.": fr("Le versement %(n)s est dû avant aujourd’hui."),
    "Installment %(n)s is due before installment %(previous)s.": fr(
        "Le versement %(n)s est dû avant le versement %(previous)s."
    ),
    "Installment %(n)s must be at least %(amount)s.": fr(
        "Le versement %(n)s doit être d’au moins %(amount)s."
    ),
    "Describe the plan and give its reference number.": fr(
        "Décrivez le plan et donnez son numéro de référence."
    ),
    "You can't change this plan.": fr("Vous ne pouvez pas modifier ce plan."),
    "No installment is left to pay.": fr("Il ne reste aucun versement à payer."),
    "You can't ask this customer for a card.": fr("Vous ne pouvez pas demander de carte à ce client."),
    "Your dealership has no Stripe account ready yet: an Admin connects one on the Admin tab.": fr(
        "Votre concession n’a pas encore de compte Stripe prêt : un administrateur en connecte un dans l’onglet Administration."
    ),
    "No Stripe account ready to save cards.": fr("Aucun compte Stripe prêt pour enregistrer des cartes."),
    "The customer has no mobile phone or email to send the link to.": fr(
        "Le client n’a ni téléphone mobile ni e-mail où envoyer le lien.",
        "Le client n’a ni cellulaire ni courriel où envoyer le lien.",
    ),
    "You can't remove this card.": fr("Vous ne pouvez pas retirer cette carte."),
    "%(card)s removed.": fr("%(card)s retirée."),
    "Give %(n)s amounts, one per installment.": fr("Donnez %(n)s montants, un par versement."),
    "The amounts must add up to the total.": fr("La somme des montants doit égaler le total."),
    "The remaining installments were cancelled.": fr("Les versements restants ont été annulés."),
    "The plan now uses %(card)s.": fr("Le plan utilise maintenant %(card)s."),
    "You can't charge saved cards for this team.": fr(
        "Vous ne pouvez pas débiter de cartes enregistrées pour cette équipe."
    ),
    "Choose at least one customer.": fr("Choisissez au moins un client."),
    "A customer appears twice.": fr("Un client figure deux fois."),
    "Choose one of your teams with payments enabled.": fr(
        "Choisissez une de vos équipes dont les paiements sont activés."
    ),
    "Enter at least %(amount)s.": fr("Saisissez au moins %(amount)s."),
    "The most you can charge at once is %(amount)s.": fr("Vous pouvez débiter au plus %(amount)s à la fois."),
    "Enter the reference number (under 64 characters).": fr(
        "Saisissez le numéro de référence (moins de 64 caractères)."
    ),
    "You can't charge saved cards.": fr("Vous ne pouvez pas débiter de cartes enregistrées."),
    "You can't set up installments on saved cards for this team.": fr(
        "Vous ne pouvez pas établir de versements sur des cartes enregistrées pour cette équipe."
    ),
    "Choose between 1 and %(n)s installments.": fr("Choisissez entre 1 et %(n)s versements."),
    "The plan's total is too large.": fr("Le total du plan est trop élevé."),
    "This plan is %(status)s.": fr("Ce plan est à l’état : %(status)s."),
    "This installment is already being charged.": fr("Ce versement est déjà en cours de prélèvement."),
    "Choose one of this customer's cards.": fr("Choisissez une des cartes de ce client."),
    "Add a mobile phone or an email first.": fr(
        "Ajoutez d’abord un téléphone mobile ou un e-mail.", "Ajoutez d’abord un cellulaire ou un courriel."
    ),
    "A link to save a card was sent to %(name)s.": fr(
        "Un lien pour enregistrer une carte a été envoyé à %(name)s."
    ),
    "Installment plan set up.": fr("Plan de versements établi."),
    "The next installment is being charged.": fr("Le prochain versement est en cours de prélèvement."),
    "Enter the amount to charge each selected customer.": fr(
        "Saisissez le montant à débiter à chaque client sélectionné."
    ),
    "Saved-card settings saved.": fr("Paramètres des cartes enregistrées sauvegardés."),
    # payouts
    ("payout", "Paid"): fr("Payé"),
    ("payout", "Failed"): fr("Échoué"),
    ("payout", "Pending"): fr("En attente"),
    ("payout", "In transit"): fr("En transit"),
    ("payout", "Cancelled"): fr("Annulé"),
    # history: kinds
    ("history", "Created"): fr("Créée"),
    ("history", "Sent"): fr("Envoyée"),
    ("history", "Opened"): fr("Ouverte"),
    ("history", "Delivered"): fr("Livré"),
    ("history", "Not delivered"): fr("Non livré"),
    ("history", "Failed"): fr("Échec"),
    ("history", "Checkout started"): fr("Paiement Stripe ouvert"),
    ("history", "Checkout expired"): fr("Paiement Stripe expiré"),
    ("history", "Payment attempt failed"): fr("Tentative de paiement échouée"),
    ("history", "Payment succeeded"): fr("Paiement réussi"),
    ("history", "Extra payment"): fr("Paiement supplémentaire"),
    ("history", "Receipt sent"): fr("Reçu envoyé"),
    ("history", "Advisor notified"): fr("Conseiller avisé"),
    ("history", "Reminder sent"): fr("Rappel envoyé"),
    ("history", "Link sent again"): fr("Lien renvoyé"),
    ("history", "Cancelled"): fr("Annulée"),
    ("history", "Expired"): fr("Expirée"),
    ("history", "Refund requested"): fr("Remboursement demandé"),
    ("history", "Refund failed"): fr("Remboursement échoué"),
    ("history", "Refund pending"): fr("Remboursement en attente"),
    ("history", "Refund cancelled"): fr("Remboursement annulé"),
    ("history", "Refunded"): fr("Remboursé"),
    ("history", "Disputed"): fr("Contesté"),
    ("history", "Dispute updated"): fr("Contestation mise à jour"),
    ("history", "Reconciled"): fr("Rapproché"),
    ("history", "Reconciliation undone"): fr("Rapprochement annulé"),
    ("history", "Message sent"): fr("Message envoyé"),
    ("history", "Message delivered"): fr("Message livré"),
    ("history", "Message not delivered"): fr("Message non livré"),
    ("history", "Message failed"): fr("Échec du message"),
    ("history actor", "customer"): fr("client"),
    ("history actor", "system"): fr("système"),
    ("history actor", "development outbox"): fr("boîte d’envoi de développement"),
    ("channel", "SMS"): fr("SMS", "texto"),
    ("channel", "email"): fr("e-mail", "courriel"),
    ("channel", "SMS and email"): fr("SMS et e-mail", "texto et courriel"),
    ("message purpose", "payment request"): fr("demande de paiement"),
    ("message purpose", "reminder"): fr("rappel"),
    ("message purpose", "receipt"): fr("reçu"),
    ("message purpose", "refund notice"): fr("avis de remboursement"),
    ("message purpose", "paid notice to the advisor"): fr("avis de paiement au conseiller"),
    ("message purpose", "request to save a card"): fr("demande d’enregistrer une carte"),
    ("dispute", "inquiry, needs a response"): fr("demande de renseignements, réponse requise"),
    ("dispute", "inquiry under review"): fr("demande de renseignements à l’étude"),
    ("dispute", "inquiry closed"): fr("demande de renseignements close"),
    ("dispute", "needs a response"): fr("réponse requise"),
    ("dispute", "under review"): fr("à l’étude"),
    ("dispute", "won"): fr("gagnée"),
    ("dispute", "lost"): fr("perdue"),
    ("staff language menu", "Dealership default"): fr("Par défaut"),
    # history: what happened
    "no channel (the customer opted out)": fr("aucun canal (le client s’est désabonné)"),
    "%(first)s and %(second)s": fr("%(first)s et %(second)s"),
    "%(amount)s to charge on the saved card %(card)s": fr(
        "%(amount)s à débiter sur la carte enregistrée %(card)s"
    ),
    "%(amount)s requested by %(channel)s": fr("%(amount)s demandés par %(channel)s"),
    "(re-send of #%(number)s)": fr("(renvoi de la demande nº %(number)s)"),
    "The customer opened the pay page": fr("Le client a ouvert la page de paiement"),
    "Link sent again by %(channel)s": fr("Lien renvoyé par %(channel)s"),
    "Cancelled by the advisor": fr("Annulée par le conseiller"),
    "Link expired %(hours)s h after sending": fr("Lien expiré %(hours)s h après l’envoi"),
    "Checkout started for %(amount)s": fr("Paiement Stripe ouvert pour %(amount)s"),
    "The Stripe Checkout page expired": fr("La page de paiement Stripe a expiré"),
    "Another payment of %(amount)s arrived after the request was paid": fr(
        "Un autre paiement de %(amount)s est arrivé après le règlement de la demande"
    ),
    "Afterpay/Clearpay installments": fr("versements Afterpay/Clearpay"),
    "card": fr("carte"),
    "Paid %(amount)s (%(method)s)": fr("%(amount)s payés (%(method)s)"),
    "Payment attempt failed (%(card)s): %(reason)s": fr(
        "Tentative de paiement échouée (%(card)s) : %(reason)s"
    ),
    "Payment attempt failed: %(reason)s": fr("Tentative de paiement échouée : %(reason)s"),
    "The payment was declined.": fr("Le paiement a été refusé."),
    "Receipt sent by %(channels)s": fr("Reçu envoyé par %(channels)s"),
    "Reminder sent by %(channels)s": fr("Rappel envoyé par %(channels)s"),
    "%(name)s notified in the app and by email": fr(
        "%(name)s avisé dans l’application et par e-mail", "%(name)s avisé dans l’application et par courriel"
    ),
    "Refund of %(amount)s made in Stripe": fr("Remboursement de %(amount)s fait dans Stripe"),
    "Refund of %(amount)s requested": fr("Remboursement de %(amount)s demandé"),
    "Refund refused: %(error)s": fr("Remboursement refusé : %(error)s"),
    "Refund of %(amount)s succeeded": fr("Remboursement de %(amount)s réussi"),
    "Refund of %(amount)s: %(status)s": fr("Remboursement de %(amount)s : %(status)s"),
    "Dispute %(status)s": fr("Contestation : %(status)s"),
    "Reconciled (document %(number)s)": fr("Rapproché (pièce %(number)s)"),
    "Reconciliation undone": fr("Rapprochement annulé"),
    "SMS %(status)s": fr("SMS : %(status)s", "Texto : %(status)s"),
    "SMS %(status)s: %(error)s": fr("SMS : %(status)s : %(error)s", "Texto : %(status)s : %(error)s"),
    "%(channel)s to %(to)s": fr("%(channel)s à %(to)s"),
    "%(channel)s to %(to)s: %(status)s": fr("%(channel)s à %(to)s : %(status)s"),
}
