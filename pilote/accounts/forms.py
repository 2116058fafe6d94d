from django.contrib.auth.forms import AuthenticationForm

from pilote.core.forms import PiloteForm


class LoginForm(PiloteForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect. Vérifiez la saisie et réessayez.",
        "inactive": "Ce compte est désactivé. Contactez l'administrateur de Pilote CTG.",
    }
