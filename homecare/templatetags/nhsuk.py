"""Render Django form fields with NHS.UK design system classes (see templates/includes/field.html)."""

from __future__ import annotations

from django import forms, template

register = template.Library()

INPUT_CLASS = {
    "input": "nhsuk-input",
    "select": "nhsuk-select",
    "textarea": "nhsuk-textarea",
    "checkbox": "nhsuk-checkboxes__input",
    "file": "nhsuk-file-upload",
}


@register.filter
def widget_kind(field) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.HiddenInput | forms.MultipleHiddenInput):
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


@register.simple_tag
def nhsuk_widget(field, extra_class: str = ""):
    """The field's widget with the design system's class and the hint/error ids it is described by."""
    kind = widget_kind(field)
    css = [INPUT_CLASS.get(kind, "nhsuk-input"), extra_class]
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        css.append(f"{INPUT_CLASS.get(kind, 'nhsuk-input')}--error")
        described.append(f"{field.auto_id}-error")
    attrs = {"class": " ".join(c for c in css if c)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
