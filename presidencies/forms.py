"""Forms of the handover page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import REASON_MAX


class KeepForm(forms.Form):
    """The TS keeps a commitment of the PPT with the outgoing country, saying why."""

    commitment = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the handover and in the commitment's history."),
    )
