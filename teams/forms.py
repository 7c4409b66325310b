from django import forms
from django.utils.translation import gettext_lazy as _

from teams.selectors import team_member_candidates


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Advisors and managers."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = team_member_candidates(organization=organization)
        self.fields["members"].label_from_instance = lambda u: f"{u.name} ({u.get_role_display()})"
