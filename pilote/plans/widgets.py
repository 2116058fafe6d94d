"""DSFR markup for the choice widgets and error lists of the plan forms.

django-dsfr overrides Django's option and error-list templates, but those overrides only apply
when "dsfr" comes before "django.forms" in INSTALLED_APPS; these classes name their own
templates so that the plan forms look right either way. The class names stay those of Django's
widgets because DsfrBoundField picks the field template from them.
"""

from django import forms
from django.forms.utils import ErrorList


class RadioSelect(forms.RadioSelect):
    option_template_name = "plans/widgets/radio_option.html"


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    option_template_name = "plans/widgets/checkbox_option.html"


class DsfrErrorList(ErrorList):
    template_name = "plans/widgets/error_list.html"
