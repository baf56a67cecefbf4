"""`{% load pilot_evaluation %}{% scorecards_panel pilot %}`: the checkpoints and scorecards of
a pilot, for any pilot page (two queries)."""

from django import template

from pilots.evaluation.views import scorecards_panel_context

register = template.Library()


@register.inclusion_tag("pilots/_scorecards_panel.html", takes_context=True)
def scorecards_panel(context, pilot) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"panel": scorecards_panel_context(pilot=pilot, user=user)}
