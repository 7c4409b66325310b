# Strings of issue 17 (the dealer's day): customer strings in every locale, staff strings in French.
NB = "\u00a0"  # French: a no-break space before : ; ? !
T = {
    # --- customer pages ---
    "%(dealership)s can't take payments right now": {
        "fr": "%(dealership)s ne peut pas recevoir de paiements pour le moment",
        "de": "%(dealership)s kann derzeit keine Zahlungen annehmen",
        "es": "%(dealership)s no puede recibir pagos en este momento",
        "it": "%(dealership)s non può ricevere pagamenti in questo momento",
        "pl": "%(dealership)s nie może teraz przyjmować płatności",
        "pt_BR": "%(dealership)s não pode receber pagamentos no momento",
    },
    "Nothing can be paid on this link at the moment. Please contact %(dealership)s.": {
        "fr": "Aucun paiement n’est possible avec ce lien pour le moment. Veuillez contacter %(dealership)s.",
        "fr_CA": "Aucun paiement n’est possible avec ce lien pour le moment. Veuillez communiquer avec %(dealership)s.",
        "de": "Über diesen Link kann derzeit nichts bezahlt werden. Bitte wenden Sie sich an %(dealership)s.",
        "es": "Por ahora no se puede pagar con este enlace. Comuníquese con %(dealership)s.",
        "it": "Al momento non è possibile pagare con questo link. Contatti %(dealership)s.",
        "pl": "Za pomocą tego linku nie można teraz nic zapłacić. Skontaktuj się z %(dealership)s.",
        "pt_BR": "No momento não é possível pagar por este link. Entre em contato com %(dealership)s.",
    },
    "You can also pay in installments with Afterpay.": {
        "fr": "Vous pouvez aussi payer en plusieurs versements avec Afterpay.",
        "de": "Sie können auch in Raten mit Afterpay bezahlen.",
        "es": "También puede pagar en cuotas con Afterpay.",
        "it": "Può anche pagare a rate con Afterpay.",
        "pl": "Możesz też zapłacić w ratach przez Afterpay.",
        "pt_BR": "Você também pode pagar em parcelas com o Afterpay.",
    },
    # --- staff pages (French) ---
    "Eastern time (New York)": {"fr": "Heure de l’Est (New York)"},
    "Central time (Chicago)": {"fr": "Heure du Centre (Chicago)"},
    "Mountain time (Denver)": {"fr": "Heure des Rocheuses (Denver)"},
    "Mountain time, no daylight saving (Phoenix)": {"fr": "Heure des Rocheuses, sans heure d’été (Phoenix)"},
    "Pacific time (Los Angeles)": {"fr": "Heure du Pacifique (Los Angeles)"},
    "Alaska time (Anchorage)": {"fr": "Heure de l’Alaska (Anchorage)"},
    "Hawaii time (Honolulu)": {"fr": "Heure d’Hawaï (Honolulu)"},
    "Atlantic time (Halifax)": {"fr": "Heure de l’Atlantique (Halifax)"},
    "Newfoundland time (St. John's)": {"fr": "Heure de Terre-Neuve (St. John’s)"},
    "Eastern time (Toronto)": {"fr": "Heure de l’Est (Toronto)"},
    "Central time (Winnipeg)": {"fr": "Heure du Centre (Winnipeg)"},
    "Central time, no daylight saving (Regina)": {"fr": "Heure du Centre, sans heure d’été (Regina)"},
    "Mountain time (Edmonton)": {"fr": "Heure des Rocheuses (Edmonton)"},
    "Pacific time (Vancouver)": {"fr": "Heure du Pacifique (Vancouver)"},
    "Yukon time (Whitehorse)": {"fr": "Heure du Yukon (Whitehorse)"},
    "United States and Canada": {"fr": "États-Unis et Canada"},
    "Other zones": {"fr": "Autres fuseaux"},
    "Current": {"fr": "Actuel"},
    "Actions": {"fr": "Actions"},
    "This is a landline number, which can't receive text messages. Enter a mobile number.": {
        "fr": "Ce numéro est une ligne fixe, qui ne peut pas recevoir de SMS. Entrez un numéro de mobile.",
        "fr_CA": "Ce numéro est une ligne fixe, qui ne peut pas recevoir de textos. Entrez un numéro de cellulaire.",
    },
    "Toll-free and premium numbers can't receive text messages. Enter a mobile number.": {
        "fr": "Les numéros sans frais et surtaxés ne peuvent pas recevoir de SMS. Entrez un numéro de mobile.",
        "fr_CA": "Les numéros sans frais et surtaxés ne peuvent pas recevoir de textos. Entrez un numéro de cellulaire.",
    },
    "This dealership can't take payments right now: no Stripe account is connected and ready. A request sent now couldn't be paid; an Admin connects one on the Admin tab, under Connections.": {
        "fr": f"Ce concessionnaire ne peut pas recevoir de paiements pour le moment{NB}: aucun compte Stripe n’est connecté et prêt. Une demande envoyée maintenant ne pourrait pas être payée{NB}; un administrateur en connecte un dans l’onglet Admin, sous Connexions.",
    },
    "The Stripe account of this request is disconnected or can't take charges: the customer's link says the dealership can't take payments right now. An Admin reconnects it on the Admin tab, under Connections.": {
        "fr": f"Le compte Stripe de cette demande est déconnecté ou ne peut pas encaisser{NB}: le lien du client indique que le concessionnaire ne peut pas recevoir de paiements pour le moment. Un administrateur le reconnecte dans l’onglet Admin, sous Connexions.",
    },
    "This dealership can't take payments right now: no Stripe account is connected and ready.": {
        "fr": f"Ce concessionnaire ne peut pas recevoir de paiements pour le moment{NB}: aucun compte Stripe n’est connecté et prêt.",
    },
    "Requests for %(teams)s can't be paid right now: that team has no Stripe account ready.": {
        "fr": f"Les demandes pour %(teams)s ne peuvent pas être payées pour le moment{NB}: cette équipe n’a aucun compte Stripe prêt.",
    },
    "An Admin connects one on the Admin tab, under Connections.": {
        "fr": "Un administrateur en connecte un dans l’onglet Admin, sous Connexions.",
    },
    'A new request in place of <a href="%(resend_url)s">request #%(number)s</a> (%(status)s): check the amount and texts, then send.': {
        "fr": f'Une nouvelle demande à la place de la <a href="%(resend_url)s">demande n° %(number)s</a> (%(status)s){NB}: vérifiez le montant et les textes, puis envoyez.',
    },
    "Send the link again": {"fr": "Renvoyer le lien"},
    "Columns": {"fr": "Colonnes"},
    "Columns to show": {"fr": "Colonnes à afficher"},
    "Stripe's reports cover whole days in UTC, and Stripe's data lags: today's payments are in them from tomorrow. The dates below start on the last complete days that have payments.": {
        "fr": f"Les rapports de Stripe couvrent des journées entières en UTC, et les données de Stripe ont du retard{NB}: les paiements d’aujourd’hui y figurent à partir de demain. Les dates ci-dessous commencent aux derniers jours complets qui ont des paiements.",
    },
}
