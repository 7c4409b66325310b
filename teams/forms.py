from django import forms

from teams.selectors import team_member_candidates


class TeamForm(forms.Form):
    name = forms.CharField(max_length=120)
    members = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, help_text="Advisors and managers."
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = team_member_candidates(organization=organization)
        self.fields["members"].label_from_instance = lambda u: f"{u.name} ({u.get_role_display()})"
