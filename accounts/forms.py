from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

# Time zones of the member countries (and a few the partners work from), not all 600.
NETWORK_TIME_ZONES = [
    "America/Belize",
    "America/Vancouver",
    "America/Edmonton",
    "America/Winnipeg",
    "America/Toronto",
    "America/Halifax",
    "America/St_Johns",
    "America/Costa_Rica",
    "America/Santo_Domingo",
    "America/El_Salvador",
    "America/Guatemala",
    "America/Tegucigalpa",
    "America/Tijuana",
    "America/Hermosillo",
    "America/Mexico_City",
    "America/Cancun",
    "America/Managua",
    "America/Panama",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Bogota",
    "America/Lima",
    "Europe/Madrid",
    "Europe/Zurich",
    "UTC",
]


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=[(name, name.replace("_", " ")) for name in NETWORK_TIME_ZONES]
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("e.g. 'reporting spreadsheet'"))


class EmailChangeForm(forms.Form):
    """Ask to sign in with another address (confirmed from that address)."""

    email = forms.EmailField(label=_("New sign-in e-mail"), max_length=254)
    password = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )


class SetAccountEmailForm(forms.Form):
    """The TS sets an account's sign-in address directly."""

    email = forms.EmailField(label=_("Sign-in e-mail"), max_length=254)
