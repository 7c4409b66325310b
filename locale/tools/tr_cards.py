# The customer's "save a card" page, its SMS/email and the pay page's "save this card" box
# (payments/cards/, templates/payments/cards/save_card.html). SMS texts: GSM-7 letters where the
# language allows (see tr_messages.py). Card views read by staff: French.
T = {
    "Save a card for %(name)s": {
        "fr": "Enregistrer une carte pour %(name)s",
        "de": "Eine Karte für %(name)s speichern",
        "es": "Guardar una tarjeta para %(name)s",
        "it": "Salva una carta per %(name)s",
        "pl": "Zapisz kartę dla %(name)s",
        "pt_BR": "Salvar um cartão para %(name)s",
    },
    "Card saved": {
        "fr": "Carte enregistrée",
        "de": "Karte gespeichert",
        "es": "Tarjeta guardada",
        "it": "Carta salvata",
        "pl": "Karta zapisana",
        "pt_BR": "Cartão salvo",
    },
    "%(name)s can now use this card for your future payments. You get a receipt for each one.": {
        "fr": "%(name)s peut maintenant utiliser cette carte pour vos prochains paiements. Vous recevez un reçu pour chacun.",
        "de": "%(name)s kann diese Karte jetzt für Ihre künftigen Zahlungen verwenden. Sie erhalten für jede eine Quittung.",
        "es": "%(name)s ya puede usar esta tarjeta para sus próximos pagos. Recibirá un recibo por cada uno.",
        "it": "%(name)s può ora usare questa carta per i Suoi prossimi pagamenti. Riceverà una ricevuta per ciascuno.",
        "pl": "%(name)s może teraz używać tej karty do Twoich przyszłych płatności. Za każdą otrzymasz potwierdzenie.",
        "pt_BR": "%(name)s agora pode usar este cartão nos seus próximos pagamentos. Você recebe um recibo de cada um.",
    },
    "This link has expired": {
        "fr": "Ce lien a expiré",
        "de": "Dieser Link ist abgelaufen",
        "es": "Este enlace ha vencido",
        "it": "Questo link è scaduto",
        "pl": "Ten link wygasł",
        "pt_BR": "Este link expirou",
    },
    "Please ask %(name)s for a new one.": {
        "fr": "Demandez-en un nouveau à %(name)s.",
        "de": "Bitten Sie %(name)s um einen neuen.",
        "es": "Pida uno nuevo a %(name)s.",
        "it": "Ne chieda uno nuovo a %(name)s.",
        "pl": "Poproś %(name)s o nowy.",
        "pt_BR": "Peça um novo a %(name)s.",
    },
    "We're confirming your card": {
        "fr": "Nous confirmons votre carte",
        "de": "Wir bestätigen Ihre Karte",
        "es": "Estamos confirmando su tarjeta",
        "it": "Stiamo confermando la Sua carta",
        "pl": "Potwierdzamy Twoją kartę",
        "pt_BR": "Estamos confirmando seu cartão",
    },
    "Refresh": {
        "fr": "Actualiser",
        "de": "Aktualisieren",
        "es": "Actualizar",
        "it": "Aggiorna",
        "pl": "Odśwież",
        "pt_BR": "Atualizar",
    },
    "You are not charged now. Your card details go to Stripe, never to us.": {
        "fr": "Aucun montant n’est prélevé maintenant. Les données de votre carte vont à Stripe, jamais à nous.",
        "de": "Es wird jetzt nichts abgebucht. Ihre Kartendaten gehen an Stripe, nie an uns.",
        "es": "Ahora no se le cobra nada. Los datos de su tarjeta van a Stripe, nunca a nosotros.",
        "it": "Ora non Le viene addebitato nulla. I dati della carta vanno a Stripe, mai a noi.",
        "pl": "Teraz nic nie pobieramy. Dane karty trafiają do Stripe, nigdy do nas.",
        "pt_BR": "Nada é cobrado agora. Os dados do seu cartão vão para a Stripe, nunca para nós.",
    },
    "Continue to save my card": {
        "fr": "Continuer pour enregistrer ma carte",
        "de": "Weiter, um meine Karte zu speichern",
        "es": "Continuar para guardar mi tarjeta",
        "it": "Continua per salvare la mia carta",
        "pl": "Przejdź dalej, aby zapisać kartę",
        "pt_BR": "Continuar para salvar meu cartão",
    },
    "Save this card for the dealership to use": {
        "fr": "Enregistrer cette carte pour que le concessionnaire puisse l’utiliser",
        "de": "Diese Karte für das Autohaus speichern",
        "es": "Guardar esta tarjeta para que el concesionario la use",
        "it": "Salva questa carta perché la concessionaria possa usarla",
        "pl": "Zapisz tę kartę do użytku przez salon",
        "pt_BR": "Salvar este cartão para a concessionária usar",
    },
    "Tick the box to authorise the dealership to save and charge your card.": {
        "fr": "Cochez la case pour autoriser le concessionnaire à enregistrer et débiter votre carte.",
        "de": "Setzen Sie das Häkchen, um dem Autohaus das Speichern und Belasten Ihrer Karte zu erlauben.",
        "es": "Marque la casilla para autorizar al concesionario a guardar su tarjeta y cobrarle con ella.",
        "it": "Spunti la casella per autorizzare la concessionaria a salvare e addebitare la Sua carta.",
        "pl": "Zaznacz pole, aby zezwolić salonowi na zapisanie karty i obciążanie jej.",
        "pt_BR": "Marque a caixa para autorizar a concessionária a salvar e cobrar no seu cartão.",
    },
    "I authorise {dealership} to save this card and to charge it later for amounts I owe them (service plans, installments, deposits, balances), as agreed with them. Each charge comes with a receipt. I can ask {dealership} to remove the card at any time.": {
        "it": "Autorizzo {dealership} a salvare questa carta e ad addebitarvi in seguito gli importi che le devo (piani di manutenzione, rate, acconti, saldi), come concordato. Ogni addebito ha la sua ricevuta. Posso chiedere a {dealership} di rimuovere la carta in qualsiasi momento.",
        "pl": "Upoważniam {dealership} do zapisania tej karty i późniejszego obciążania jej kwotami, które jestem winien/winna (plany serwisowe, raty, zaliczki, salda), zgodnie z ustaleniami. Każde obciążenie ma potwierdzenie. W każdej chwili mogę poprosić {dealership} o usunięcie karty.",
        "pt_BR": "Autorizo {dealership} a salvar este cartão e a cobrar nele depois os valores que devo (planos de revisão, parcelas, sinais, saldos), conforme combinado. Cada cobrança vem com um recibo. Posso pedir a {dealership} que remova o cartão a qualquer momento.",
    },
    "%(dealership)s: we could not charge your saved card. Please update it here: %(link)s": {
        "fr": "%(dealership)s : nous n'avons pas pu debiter votre carte enregistree. Mettez-la a jour ici : %(link)s",
        "de": "%(dealership)s: Ihre gespeicherte Karte konnte nicht belastet werden. Bitte hier aktualisieren: %(link)s",
        "es": "%(dealership)s: no pudimos cobrar con su tarjeta guardada. Actualicela aqui: %(link)s",
        "it": "%(dealership)s: non siamo riusciti ad addebitare la carta salvata. Aggiornala qui: %(link)s",
        "pl": "%(dealership)s: nie udało się obciążyć zapisanej karty. Zaktualizuj ją tutaj: %(link)s",
        "pt_BR": "%(dealership)s: nao conseguimos cobrar no seu cartao salvo. Atualize aqui: %(link)s",
    },
    "%(dealership)s: please update your card": {
        "fr": "%(dealership)s : mettez votre carte à jour",
        "de": "%(dealership)s: Bitte aktualisieren Sie Ihre Karte",
        "es": "%(dealership)s: actualice su tarjeta",
        "it": "%(dealership)s: aggiorni la Sua carta",
        "pl": "%(dealership)s: zaktualizuj swoją kartę",
        "pt_BR": "%(dealership)s: atualize seu cartão",
    },
    "%(dealership)s: save a card for your future payments here: %(link)s": {
        "fr": "%(dealership)s : enregistrez une carte pour vos prochains paiements ici : %(link)s",
        "de": "%(dealership)s: Speichern Sie hier eine Karte für künftige Zahlungen: %(link)s",
        "es": "%(dealership)s: guarde una tarjeta para sus proximos pagos aqui: %(link)s",
        "it": "%(dealership)s: salva una carta per i prossimi pagamenti qui: %(link)s",
        "pl": "%(dealership)s: zapisz kartę do przyszłych płatności tutaj: %(link)s",
        "pt_BR": "%(dealership)s: salve um cartao para seus proximos pagamentos aqui: %(link)s",
    },
    "%(dealership)s: save a card for future payments": {
        "fr": "%(dealership)s : enregistrez une carte pour vos prochains paiements",
        "de": "%(dealership)s: eine Karte für künftige Zahlungen speichern",
        "es": "%(dealership)s: guarde una tarjeta para sus próximos pagos",
        "it": "%(dealership)s: salvi una carta per i prossimi pagamenti",
        "pl": "%(dealership)s: zapisz kartę do przyszłych płatności",
        "pt_BR": "%(dealership)s: salve um cartão para seus próximos pagamentos",
    },
    # staff (French only)
    ("Charge %(n)s customer", "Charge %(n)s customers"): {
        "fr": ["Débiter %(n)s client", "Débiter %(n)s clients"]
    },
    "Webhooks to your DMS: endpoints, signing secrets, delivery log.": {
        "fr": "Webhooks vers votre DMS : points de terminaison, secrets de signature, journal des envois."
    },
    "Saved card": {"fr": "Carte enregistrée"},
    "Number of installments": {"fr": "Nombre de versements"},
    "First installment on": {"fr": "Premier versement le"},
    "Months between installments": {"fr": "Mois entre les versements"},
    "Custom amounts (optional)": {"fr": "Montants personnalisés (facultatif)"},
    "One amount per installment, separated by commas or semicolons, e.g. 500, 250.50, 249.50": {
        "fr": "Un montant par versement, séparés par des points-virgules, p. ex. 500 ; 250,50 ; 249,50"
    },
    "Amount for each selected customer": {"fr": "Montant pour chaque client sélectionné"},
    "Or a CSV of customer_id,amount": {"fr": "Ou un CSV customer_id,amount"},
    "Advisors may charge saved cards": {"fr": "Les conseillers peuvent débiter les cartes enregistrées"},
    "Retry a soft decline after (days, comma-separated)": {
        "fr": "Réessayer un refus temporaire après (jours, séparés par des virgules)"
    },
    "Give up to 6 numbers of days between 1 and 60, e.g. 1,3,7.": {
        "fr": "Indiquez jusqu’à 6 nombres de jours entre 1 et 60, p. ex. 1,3,7."
    },
    "Give the days in increasing order, e.g. 1,3,7.": {
        "fr": "Indiquez les jours dans l’ordre croissant, p. ex. 1,3,7."
    },
}
