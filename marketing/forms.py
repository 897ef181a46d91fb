from django import forms

from platform_site.exceptions import ApplicationError

from .services import check_partner_shares


class PartnerShareFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not rows:
            return  # a draft without partners yet; starting the campaign checks again
        try:
            check_partner_shares([(row["side"], row["share_percent"]) for row in rows])
        except ApplicationError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
