# Strings of issue 16 (dealer systems: per-team daily files, the daily email's switch): staff, French
# (fr: e-mail; fr_CA: courriel, as in tr_staff.py).
T = {
    "You no longer receive payout or reconciliation emails from this dealership.": {
        "fr": "Vous ne recevez plus les e-mails de versement ni de rapprochement de ce concessionnaire.",
        "fr_CA": "Vous ne recevez plus les courriels de versement ni de rapprochement de ce concessionnaire.",
    },
    "This link is not valid.": {"fr": "Ce lien n’est pas valide."},
    "From the next file on, these teams also get their own: %(names)s.": {
        "fr": "À partir du prochain fichier, ces équipes ont aussi le leur : %(names)s."
    },
    "Only the dealership's file is made each day.": {
        "fr": "Seul le fichier du concessionnaire est produit chaque jour."
    },
    "They also get the daily reconciliation file's email (links to the day's files) unless you untick it here; each email has a link that turns it off. Advisors don't get it: they can't open the files.": {
        "fr": "Ces personnes reçoivent aussi le e-mail du fichier de rapprochement quotidien (les liens vers les fichiers du jour), sauf si vous décochez la case ici ; chaque e-mail contient un lien pour le désactiver. Les conseillers ne le reçoivent pas : ils ne peuvent pas ouvrir les fichiers.",
        "fr_CA": "Ces personnes reçoivent aussi le courriel du fichier de rapprochement quotidien (les liens vers les fichiers du jour), sauf si vous décochez la case ici ; chaque courriel contient un lien pour le désactiver. Les conseillers ne le reçoivent pas : ils ne peuvent pas ouvrir les fichiers.",
    },
    "Person": {"fr": "Personne"},
    "Also the daily reconciliation file": {"fr": "Aussi le fichier de rapprochement quotidien"},
    "Payout emails to %(name)s": {
        "fr": "E-mails de versement à %(name)s",
        "fr_CA": "Courriels de versement à %(name)s",
    },
    "Daily reconciliation file emails to %(name)s": {
        "fr": "E-mails du fichier de rapprochement quotidien à %(name)s",
        "fr_CA": "Courriels du fichier de rapprochement quotidien à %(name)s",
    },
    "Daily reconciliation file emails": {
        "fr": "E-mails du fichier de rapprochement quotidien",
        "fr_CA": "Courriels du fichier de rapprochement quotidien",
    },
    "%(email)s gets an email from %(dealership)s each day when its reconciliation file is ready.": {
        "fr": "%(email)s reçoit chaque jour un e-mail de %(dealership)s quand son fichier de rapprochement est prêt.",
        "fr_CA": "%(email)s reçoit chaque jour un courriel de %(dealership)s quand son fichier de rapprochement est prêt.",
    },
    "%(email)s no longer gets the daily reconciliation file email from %(dealership)s. Payout emails go on; the files stay on the Payments tab.": {
        "fr": "%(email)s ne reçoit plus le e-mail quotidien du fichier de rapprochement de %(dealership)s. Les e-mails de versement continuent ; les fichiers restent dans l’onglet Paiements.",
        "fr_CA": "%(email)s ne reçoit plus le courriel quotidien du fichier de rapprochement de %(dealership)s. Les courriels de versement continuent ; les fichiers restent dans l’onglet Paiements.",
    },
    "Stop these emails": {"fr": "Ne plus recevoir ces e-mails", "fr_CA": "Ne plus recevoir ces courriels"},
    "Send them again": {"fr": "Les recevoir de nouveau"},
    "File": {"fr": "Fichier"},
    "Teams with their own file": {"fr": "Équipes ayant leur propre fichier"},
    "Besides the dealership's file, each team ticked here gets its own daily file (its payments, failed attempts, fees, refunds and disputes; payouts are in the dealership's file only). Its managers see and download it here, and the daily email links to it.": {
        "fr": "En plus du fichier du concessionnaire, chaque équipe cochée ici a son propre fichier quotidien (ses paiements, tentatives échouées, frais, remboursements et litiges ; les versements ne figurent que dans le fichier du concessionnaire). Ses gestionnaires le voient et le téléchargent ici, et le e-mail quotidien y renvoie.",
        "fr_CA": "En plus du fichier du concessionnaire, chaque équipe cochée ici a son propre fichier quotidien (ses paiements, tentatives échouées, frais, remboursements et litiges ; les versements ne figurent que dans le fichier du concessionnaire). Ses gestionnaires le voient et le téléchargent ici, et le courriel quotidien y renvoie.",
    },
}
