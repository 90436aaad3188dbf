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


@register.filter
def page_numbers(page) -> list[int | None]:
    """The page numbers NHS.UK pagination shows: the first, the last, the current page and its
    neighbours; None where pages are skipped (an ellipsis). 1 … 4 [5] 6 … 23."""
    last, current = page.paginator.num_pages, page.number
    shown = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    out: list[int | None] = []
    for n in shown:
        if out and n - out[-1] == 2:  # a gap of one page: show the page, not an ellipsis
            out.append(n - 1)
        elif out and n - out[-1] > 2:
            out.append(None)
        out.append(n)
    return out
