from django.contrib.auth.forms import AuthenticationForm
from dsfr.forms import DsfrBaseForm


class LoginForm(DsfrBaseForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect. Vérifiez la saisie et réessayez.",
        "inactive": "Ce compte est désactivé. Contactez l'administrateur de Pilote CTG.",
    }
