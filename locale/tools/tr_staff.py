# Staff interface strings: French (fr and fr-CA share them; fr_CA only where Quebec usage
# differs). Register: the vocabulary of a Quebec dealership's office (see locale/README.md).
T = {
    "Notifications": {"fr": "Notifications"},
    "Log out": {"fr": "Se déconnecter"},
    "Log in": {"fr": "Se connecter"},
    "Forgot your password?": {"fr": "Mot de passe oublié ?"},
}
