"""Forms of invitations, of one's own account and of passwords (DSFR, in French)."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from pilote.core.forms import PiloteForm

from .enums import Role
from .models import Organisation, User

REFERENT_ORGANISATION_MISSING = (
    "Pour un·e référent·e, choisissez l’organisation représentée ou saisissez-en une nouvelle."
)


class RoleForm(PiloteForm):
    """A role among those the user may give and, for a référent·e, the organisation represented."""

    role = forms.ChoiceField(label="Rôle")
    organisation = forms.ModelChoiceField(
        label="Organisation représentée (référent·e)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="— Choisir une organisation de la CTG —",
        help_text="Pour un·e référent·e : la commune ou le partenaire qu’il ou elle représente.",
    )
    new_organisation = forms.CharField(
        label="Ou une nouvelle organisation",
        max_length=255,
        required=False,
        help_text="Par exemple « Commune de Manosque » ; elle est créée si elle n’existe pas.",
    )

    def __init__(self, *args, roles: list[str], organisations, departement_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self.fields["role"].choices = [
            (
                role,
                f"{labels[role]} – département {departement_name}"
                if role == Role.CAF_ADVISER
                else labels[role],
            )
            for role in roles
        ]
        self.fields["organisation"].queryset = organisations

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("organisation") or cleaned.get("new_organisation", "").strip()
        if cleaned.get("role") == Role.REFERENT and not chosen:
            self.add_error("organisation", REFERENT_ORGANISATION_MISSING)
        return cleaned


class InviteForm(RoleForm):
    """Invite someone by e-mail with one of the roles the inviter may give."""

    email = forms.EmailField(label="Courriel de la personne invitée")
    field_order = ["email", "role", "organisation", "new_organisation"]


class RoleChangeForm(RoleForm):
    """Give another role of the CTG to a member; `was` is the role the page showed."""

    was = forms.CharField(widget=forms.HiddenInput)


class NewAccountForm(PiloteForm):
    """The invitee's name and password, checked by Django's password validators."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif first:
            user = User(
                username=self.email,
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AccountForm(PiloteForm):
    """The name and e-mail of one's own account; a new e-mail asks for the password."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="Courriel")
    current_password = forms.CharField(
        label="Mot de passe actuel (pour changer de courriel)",
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        others = User.objects.filter(email__iexact=email).exclude(pk=self.user.pk)
        if others.exists():
            raise forms.ValidationError("Un autre compte utilise déjà cette adresse.")
        return email

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email and email != self.user.email.lower():
            password = cleaned.get("current_password") or ""
            if not self.user.check_password(password):
                self.add_error(
                    "current_password",
                    "Saisissez votre mot de passe actuel pour changer d’adresse.",
                )
        return cleaned


class PilotePasswordResetForm(PiloteForm, PasswordResetForm):
    pass


class PiloteSetPasswordForm(PiloteForm, SetPasswordForm):
    error_messages = {"password_mismatch": "Les deux mots de passe ne sont pas identiques."}


class PilotePasswordChangeForm(PiloteForm, PasswordChangeForm):
    error_messages = {
        "password_mismatch": "Les deux mots de passe ne sont pas identiques.",
        "password_incorrect": "Votre mot de passe actuel est incorrect. Saisissez-le à nouveau.",
    }


class ApiTokenForm(PiloteForm):
    """A new personal API token: its name and how long it stays valid."""

    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour le reconnaître : par exemple « Tableau de bord Caf » ou « Import SIG ».",
    )
    days = forms.TypedChoiceField(label="Valable", coerce=int, initial=90)

    def __init__(self, *args, **kwargs):
        from .api_tokens import lifetime_choices

        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [(days, f"{days} jours") for days in lifetime_choices()]
