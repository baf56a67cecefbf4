"""Form widgets of the procurement pages that other rooms reuse."""

from django import forms
from django.urls import reverse

VENDOR_OPTIONS_LIMIT = 20  # matches the search answers with; the page itself lists none


class VendorSearchSelect(forms.Select):
    """A vendor `<select>` that renders only the chosen vendor (and the empty choice), with a
    search box beside it that asks `procurement:vendor_options` for matching vendors (htmx).

    A page with it runs the same queries for 3 vendors or 30,000; the field still validates
    the posted id against its own queryset, so the search decides nothing.
    """

    template_name = "procurement/widgets/vendor_search_select.html"

    def optgroups(self, name, value, attrs=None):
        choices = self.choices  # the field's ModelChoiceIterator: not iterated (every vendor)
        options = []
        if choices.field.empty_label is not None:
            options.append(("", choices.field.empty_label))
        chosen = [v for v in value if str(v).isdigit()]
        if chosen:
            options += [choices.choice(obj) for obj in choices.queryset.filter(pk__in=chosen)]
        return [
            (None, [self.create_option(name, v, label, str(v) in value, index, attrs=attrs)], index)
            for index, (v, label) in enumerate(options)
        ]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        empty_label = self.choices.field.empty_label
        context["widget"]["search_url"] = reverse("procurement:vendor_options")
        context["widget"]["empty_label"] = "" if empty_label is None else str(empty_label)
        return context
