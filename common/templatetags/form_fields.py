"""`{% form_field form.name %}`: a Bootstrap 5 form group (label, control, help, errors)
built in Python.

It renders what crispy's `as_crispy_field` renders for the plain fields of the calculator,
without crispy's nested templates (measured in `benchmarks/`: the calculator's ~45 fields
were most of its page time).
"""

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _label(field, *, legend: bool = False) -> SafeString:
    if not field.label:
        return mark_safe("")
    required = mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""
    if legend:
        return format_html('<legend class="form-label fs-6">{}{}</legend>', field.label, required)
    return format_html(
        '<label for="{}" class="form-label">{}{}</label>', field.id_for_label, field.label, required
    )


def _radios(field, invalid: str) -> SafeString:
    return format_html_join(
        "",
        '<div class="form-check"><input type="radio" class="form-check-input{}" name="{}" '
        'value="{}" id="{}"{}><label class="form-check-label" for="{}">{}</label></div>',
        (
            (
                invalid,
                choice.data["name"],
                choice.data["value"],
                choice.id_for_label,
                mark_safe(" checked") if choice.data["selected"] else "",
                choice.id_for_label,
                choice.choice_label,
            )
            for choice in field.subwidgets
        ),
    )


def _control(field, css: str) -> SafeString:
    """An `<input>` or `<select>` written directly (Django's widget templates cost ~0.4 ms a
    field); any other widget renders as usual."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({**widget.attrs, "class": css}, widget)
    if field.auto_id and "id" not in attrs:
        attrs["id"] = field.auto_id
    if field.help_text and field.auto_id:
        attrs.setdefault("aria-describedby", f"{field.auto_id}_helptext")
    if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
        value = widget.format_value(field.value())
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    option["value"],
                    mark_safe(" selected") if option["selected"] else "",
                    option["label"],
                )  # fmt: skip
                for _group, group_options, _index in widget.optgroups(field.html_name, value)
                for option in group_options
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', field.html_name, flatatt(attrs), options)  # fmt: skip
    if isinstance(widget, forms.widgets.Input) and not isinstance(widget, forms.PasswordInput):
        value = widget.format_value(field.value())
        if value is not None:
            attrs["value"] = value
        return format_html('<input type="{}" name="{}"{}>', widget.input_type, field.html_name, flatatt(attrs))  # fmt: skip
    return field.as_widget(attrs={"class": css})


@register.simple_tag
def form_field(field) -> SafeString:
    if field.is_hidden:
        return field.as_widget()
    widget = field.field.widget
    invalid = " is-invalid" if field.errors else ""
    if isinstance(widget, forms.RadioSelect):
        label = mark_safe("")
        control = format_html("<fieldset>{}{}</fieldset>", _label(field, legend=True), _radios(field, invalid))  # fmt: skip
    else:
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        control = _control(field, f"{css}{invalid}")
        label = _label(field)
    help_text = (
        format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text
        )  # fmt: skip
        if field.help_text
        else ""
    )
    errors = (
        format_html(
            '<div id="{}_error" class="invalid-feedback d-block">{}</div>',
            field.auto_id,
            format_html_join(mark_safe("<br>"), "{}", ((e,) for e in field.errors)),
        )
        if field.errors
        else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>',
        field.auto_id,
        label,
        control,
        errors,
        help_text,
    )
