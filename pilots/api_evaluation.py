"""Scorecard and alert endpoints of API.md (the evaluation work)."""

from ninja import Router

router = Router(tags=["evaluation"])
