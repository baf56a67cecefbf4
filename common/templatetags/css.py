"""`{{ value|css_string }}`: text inside a CSS string ("…") in a <style> element.

Neither HTML escaping (a <style> element is raw text: `&#x27;` would print as such) nor
`escapejs` (CSS does not read `\\u0027`) is right there. CSS escapes a character as `\\<hex> `.
Quotes and backslashes are escaped so the string cannot end early, line breaks become `\\A `,
and `<`, `>` and `&` are escaped so `</style>` can never close the element."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_ESCAPED = {'"', "'", "\\", "<", ">", "&"}


def css_string_escape(value: object) -> str:
    out = []
    for char in str(value):
        if char in _ESCAPED or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):X} ")
        else:
            out.append(char)
    return "".join(out)


@register.filter
def css_string(value: object) -> SafeString:
    return mark_safe(css_string_escape(value))  # noqa: S308 - escaped for CSS above
