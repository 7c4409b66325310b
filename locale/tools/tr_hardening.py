# Strings of the hardening pages (issue 11): the unknown pay link and the invitation of an address that
# already has an account (customer-facing: every locale), and staff pages (French).
T = {
    "Payment link not found": {
        "fr": "Lien de paiement introuvable",
        "de": "Zahlungslink nicht gefunden",
        "es": "Enlace de pago no encontrado",
        "it": "Link di pagamento non trovato",
        "pl": "Nie znaleziono linku do płatności",
        "pt_BR": "Link de pagamento não encontrado",
    },
    "Too many links tried": {
        "fr": "Trop de liens essayés",
        "de": "Zu viele Links ausprobiert",
        "es": "Demasiados enlaces probados",
        "it": "Troppi link provati",
        "pl": "Wypróbowano zbyt wiele linków",
        "pt_BR": "Links demais tentados",
    },
    "This device tried too many payment links that don't exist. Try again later, with the link exactly as you received it.": {
        "fr": "Cet appareil a essayé trop de liens de paiement qui n’existent pas. Réessayez plus tard, avec le lien exactement tel que vous l’avez reçu.",
        "de": "Dieses Gerät hat zu viele Zahlungslinks ausprobiert, die es nicht gibt. Versuchen Sie es später erneut, mit dem Link genau so, wie Sie ihn erhalten haben.",
        "es": "Este dispositivo probó demasiados enlaces de pago que no existen. Vuelva a intentarlo más tarde, con el enlace tal como lo recibió.",
        "it": "Questo dispositivo ha provato troppi link di pagamento inesistenti. Riprovi più tardi, con il link esattamente come l’ha ricevuto.",
        "pl": "To urządzenie wypróbowało zbyt wiele nieistniejących linków do płatności. Spróbuj ponownie później, używając linku dokładnie w otrzymanej postaci.",
        "pt_BR": "Este dispositivo tentou links de pagamento demais que não existem. Tente novamente mais tarde, com o link exatamente como você o recebeu.",
    },
    "This payment link doesn't work": {
        "fr": "Ce lien de paiement ne fonctionne pas",
        "de": "Dieser Zahlungslink funktioniert nicht",
        "es": "Este enlace de pago no funciona",
        "it": "Questo link di pagamento non funziona",
        "pl": "Ten link do płatności nie działa",
        "pt_BR": "Este link de pagamento não funciona",
    },
    "Check that you opened the whole link from your text or email. If it still doesn't work, contact the business that sent it for a new link.": {
        "fr": "Vérifiez que vous avez ouvert le lien complet de votre SMS ou de votre e-mail. S’il ne fonctionne toujours pas, demandez un nouveau lien à l’entreprise qui l’a envoyé.",
        "fr_CA": "Vérifiez que vous avez ouvert le lien complet de votre texto ou de votre courriel. S’il ne fonctionne toujours pas, communiquez avec l’entreprise qui l’a envoyé pour obtenir un nouveau lien.",
        "de": "Prüfen Sie, ob Sie den vollständigen Link aus Ihrer SMS oder E-Mail geöffnet haben. Funktioniert er weiterhin nicht, bitten Sie das Unternehmen, das ihn gesendet hat, um einen neuen Link.",
        "es": "Compruebe que abrió el enlace completo de su mensaje de texto o correo electrónico. Si sigue sin funcionar, pida un nuevo enlace a la empresa que lo envió.",
        "it": "Verifichi di aver aperto il link completo dal Suo SMS o dalla Sua email. Se continua a non funzionare, chieda un nuovo link all’azienda che l’ha inviato.",
        "pl": "Sprawdź, czy otwarto cały link z SMS-a lub e-maila. Jeśli nadal nie działa, poproś firmę, która go wysłała, o nowy link.",
        "pt_BR": "Verifique se você abriu o link completo do seu SMS ou e-mail. Se ainda não funcionar, peça um novo link à empresa que o enviou.",
    },
    "No payment was taken.": {
        "fr": "Aucun paiement n’a été prélevé.",
        "de": "Es wurde keine Zahlung eingezogen.",
        "es": "No se realizó ningún cobro.",
        "it": "Non è stato addebitato alcun pagamento.",
        "pl": "Nie pobrano żadnej płatności.",
        "pt_BR": "Nenhum pagamento foi cobrado.",
    },
    "You were invited to join %(dealership)s on TextPay, but this email address (%(email)s) already has a TextPay account, and an email can belong to one dealership only. %(dealership)s has not been told about your other account.": {
        "fr": "Vous avez été invité à rejoindre %(dealership)s sur TextPay, mais cette adresse e-mail (%(email)s) a déjà un compte TextPay, et une adresse ne peut appartenir qu’à un seul concessionnaire. %(dealership)s n’a pas été informé de votre autre compte.",
        "fr_CA": "Vous avez été invité à rejoindre %(dealership)s sur TextPay, mais cette adresse courriel (%(email)s) a déjà un compte TextPay, et une adresse ne peut appartenir qu’à un seul concessionnaire. %(dealership)s n’a pas été informé de votre autre compte.",
        "de": "Sie wurden eingeladen, %(dealership)s auf TextPay beizutreten, aber diese E-Mail-Adresse (%(email)s) hat bereits ein TextPay-Konto, und eine Adresse kann nur zu einem Autohaus gehören. %(dealership)s wurde über Ihr anderes Konto nicht informiert.",
        "es": "Le invitaron a unirse a %(dealership)s en TextPay, pero esta dirección de correo (%(email)s) ya tiene una cuenta de TextPay, y una dirección solo puede pertenecer a un concesionario. No se informó a %(dealership)s de su otra cuenta.",
        "it": "È stato invitato a unirsi a %(dealership)s su TextPay, ma questo indirizzo email (%(email)s) ha già un account TextPay e un indirizzo può appartenere a una sola concessionaria. %(dealership)s non è stata informata del Suo altro account.",
        "pl": "Otrzymano zaproszenie do %(dealership)s w TextPay, ale ten adres e-mail (%(email)s) ma już konto TextPay, a adres może należeć tylko do jednego dealera. %(dealership)s nie otrzymał informacji o innym koncie.",
        "pt_BR": "Você foi convidado a entrar em %(dealership)s no TextPay, mas este endereço de e-mail (%(email)s) já tem uma conta TextPay, e um endereço só pode pertencer a uma concessionária. %(dealership)s não foi informada sobre a sua outra conta.",
    },
    "To join %(dealership)s, ask them to invite you with another email address. If you did not expect this, ignore this message.": {
        "fr": "Pour rejoindre %(dealership)s, demandez-lui de vous inviter avec une autre adresse e-mail. Si vous ne vous attendiez pas à ce message, ignorez-le.",
        "fr_CA": "Pour rejoindre %(dealership)s, demandez-lui de vous inviter avec une autre adresse courriel. Si vous ne vous attendiez pas à ce message, ignorez-le.",
        "de": "Um %(dealership)s beizutreten, bitten Sie darum, mit einer anderen E-Mail-Adresse eingeladen zu werden. Wenn Sie dies nicht erwartet haben, ignorieren Sie diese Nachricht.",
        "es": "Para unirse a %(dealership)s, pida que le inviten con otra dirección de correo. Si no esperaba esto, ignore este mensaje.",
        "it": "Per unirsi a %(dealership)s, chieda di essere invitato con un altro indirizzo email. Se non se lo aspettava, ignori questo messaggio.",
        "pl": "Aby dołączyć do %(dealership)s, poproś o zaproszenie na inny adres e-mail. Jeśli nie spodziewano się tej wiadomości, zignoruj ją.",
        "pt_BR": "Para entrar em %(dealership)s, peça para ser convidado com outro endereço de e-mail. Se você não esperava por isso, ignore esta mensagem.",
    },
    # Staff pages: French.
    "Bad request": {"fr": "Requête invalide"},
    "That request didn't work": {"fr": "Cette requête n’a pas abouti"},
    "Your browser sent something we could not read. Go back and try again.": {
        "fr": "Votre navigateur a envoyé quelque chose que nous n’avons pas pu lire. Revenez en arrière et réessayez."
    },
    "Go to TextPay": {"fr": "Aller à TextPay"},
    "Page not found": {"fr": "Page introuvable"},
    "There is nothing at this address. It may have been mistyped, or the page was moved.": {
        "fr": "Il n’y a rien à cette adresse. Elle a peut-être été mal saisie, ou la page a été déplacée."
    },
    "Something went wrong": {"fr": "Une erreur s’est produite"},
    "Something went wrong on our side": {"fr": "Une erreur s’est produite de notre côté"},
    "It has been logged. Try again in a minute; if it keeps happening, contact your TextPay administrator.": {
        "fr": "Elle a été consignée. Réessayez dans une minute ; si cela se reproduit, contactez votre administrateur TextPay."
    },
    "Too many failed logins": {"fr": "Trop de connexions échouées"},
    "After %(limit)s wrong passwords, logging in to this account or from this network is paused for %(minutes)s minutes. Until then even the right password will not log you in.": {
        "fr": "Après %(limit)s mots de passe erronés, la connexion à ce compte ou depuis ce réseau est suspendue pendant %(minutes)s minutes. D’ici là, même le bon mot de passe ne vous connectera pas."
    },
    "Check before sending": {"fr": "Vérifiez avant d’envoyer"},
    "Confirm payment request": {"fr": "Confirmer la demande de paiement"},
    "For": {"fr": "Objet"},
    "Press Enter to send. The link expires 24 hours after sending.": {
        "fr": "Appuyez sur Entrée pour envoyer. Le lien expire 24 heures après l’envoi."
    },
    "SMS to %(phone)s": {"fr": "SMS au %(phone)s", "fr_CA": "Texto au %(phone)s"},
    "email to %(email)s": {"fr": "e-mail à %(email)s", "fr_CA": "courriel à %(email)s"},
    "Send %(amount)s": {"fr": "Envoyer %(amount)s"},
    "allowed": {"fr": "autorisé"},
    "Press Enter to refund.": {"fr": "Appuyez sur Entrée pour rembourser."},
    "Refund this amount of payment %(reference)s to %(name)s (%(method)s)?": {
        "fr": "Rembourser ce montant du paiement %(reference)s à %(name)s (%(method)s) ?"
    },
    "Dispute": {"fr": "Litige"},
    "Taken from your balance": {"fr": "Prélevé sur votre solde"},
    "Net after the dispute": {"fr": "Net après le litige"},
    "Disputed amount": {"fr": "Montant contesté"},
    "Evidence due by": {"fr": "Preuves à fournir avant le"},
    "Respond with your evidence (invoice, signed repair order, photos) in Stripe's Express dashboard, under Payments → Disputes, before the deadline.": {
        "fr": "Répondez avec vos preuves (facture, bon de réparation signé, photos) dans le tableau de bord Express de Stripe, sous Paiements → Litiges, avant la date limite."
    },
    "Respond in the Stripe dashboard": {"fr": "Répondre dans le tableau de bord Stripe"},
    "An Admin of your dealership opens it from the Admin tab → Connections → Open Stripe dashboard.": {
        "fr": "Un administrateur de votre concession l’ouvre depuis l’onglet Admin → Connexions → Ouvrir le tableau de bord Stripe."
    },
}
