"""One e-mail module (docs/style.md): `make_message("pilot-scorecard", to=[…], context={…})` renders
`emails/<name>-subject.txt`, `emails/<name>-body.txt` and `emails/<name>-body.html` (in any app's
templates/emails/ folder) in the recipient's language, plain text plus HTML.

The subject and the text body are plain text: they are rendered with autoescaping off (a
vendor "Q&A O'Neill" stays that, not "Q&amp;A O&#x27;Neill"); only the HTML body escapes."""

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format


def make_message(
    name: str,
    *,
    to: Sequence[str],
    context: dict,
    language: str | None = None,
    reply_to: Sequence[str] = (),
    unsubscribe_url: str | None = None,
) -> EmailMultiAlternatives:
    """An optional e-mail (digest, reminders) passes its `unsubscribe_url`: the footer links
    it and the headers offer the one-click unsubscribe of RFC 8058 (List-Unsubscribe-Post)."""
    context = {"site_url": settings.SITE_URL, "unsubscribe_url": unsubscribe_url, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_plain_text(f"emails/{name}-subject.txt", context).split())
        text = render_plain_text(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
        if unsubscribe_url:
            text = (
                text.rstrip("\n")
                + "\n\n"
                + render_plain_text("emails/unsubscribe-footer.txt", context)
            )
            html = _with_footer(html, render_to_string("emails/unsubscribe-footer.html", context))
    headers = (
        {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        if unsubscribe_url
        else None
    )
    message = EmailMultiAlternatives(
        subject, text, to=list(to), reply_to=list(reply_to), headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


def _with_footer(html: str, footer: str) -> str:
    """The footer just before </body> (or at the end of a fragment)."""
    index = html.lower().rfind("</body>")
    return html + footer if index < 0 else html[:index] + footer + html[index:]


def recipient_name(user) -> str:
    """How an e-mail greets its recipient: the user's name, else the vendor's name; never an
    e-mail address (empty when there is neither, and the template says a plain hello)."""
    if user.full_name.strip():
        return user.full_name.strip()
    vendor = getattr(user, "vendor", None)
    return vendor.name if vendor is not None else ""


def local_datetime_display(value) -> str:
    """A moment in the app's time zone with the zone's name, in the active language:
    "3 March 2027 17:00 CET" — a deadline must say which clock it is on."""
    local = timezone.localtime(value, ZoneInfo(settings.TIME_ZONE))
    return f"{date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


def render_plain_text(template_name: str, context: dict) -> str:
    """A template rendered without HTML escaping: for a subject line or a text/plain body."""
    template = get_template(template_name).template  # the Django engine's own Template
    return template.render(Context(context, autoescape=False))


def absolute_url(path: str) -> str:
    """Links in e-mails point at SITE_URL, never at the request's host."""
    return f"{settings.SITE_URL}{path}"
