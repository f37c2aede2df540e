"""The site-wide form renderer: every Django and allauth form gets Lectern's field markup."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    field_template_name = "forms/field.html"
