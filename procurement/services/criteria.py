"""Best value criteria of an RFQ (docs/domain.md §4): the weights, the must-haves and the test
cases (pilot step 2), the vendors' answers and the buyer's blind ratings.

Services write (`<entity>_<action>(*, …, by)`), full_clean, one transaction; a
ValidationError names the field (`weights`, `must_haves`, `test_cases`, …) so the form
shows it on the right field and the API answers 422 naming it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from costing.engine import CHECKLIST_KEYS, EngineInputError, check_weights

from ..models import (
    WEIGHT_KEYS,
    Quote,
    QuoteStatus,
    Rfq,
    TestCase,
    TestCaseAnswer,
)
from .base import require_procurement

TEST_CASE_FIELDS = ("title", "description")


def _locked_rfq(rfq: Rfq) -> Rfq:
    return Rfq.objects.select_for_update().get(pk=rfq.pk)


def _check_editable(rfq: Rfq, field: str) -> None:
    if not rfq.is_editable:
        raise ValidationError(
            {
                field: _(
                    "This RFQ is %(status)s: its criteria can only change while it is a draft "
                    "or open."
                )
                % {"status": rfq.get_status_display().lower()}
            }
        )


# --- weights and must-haves ----------------------------------------------------------------


def clean_weights(weights: Mapping[str, Any]) -> dict[str, int]:
    """Whole numbers ≥ 0 for the six criteria, summing to 100 (docs/domain.md §4; the engine's
    `check_weights` is the rule). Criteria left out weigh 0. Raises ValidationError naming
    `weights`, in the user's language."""
    try:
        return check_weights(weights)
    except EngineInputError:
        pass
    unknown = sorted(str(k) for k in weights if k not in WEIGHT_KEYS)
    values = [weights.get(key, 0) for key in WEIGHT_KEYS]
    if unknown:
        message = _("Unknown criteria: %(names)s. Use %(keys)s.") % {
            "names": ", ".join(unknown),
            "keys": ", ".join(WEIGHT_KEYS),
        }
    elif all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        message = _("The weights must add up to 100; they add up to %(total)s.") % {
            "total": sum(values)
        }
    else:
        message = _("Each weight is a whole number from 0 to 100.")
    raise ValidationError({"weights": message})


def clean_must_haves(keys: Iterable[str]) -> list[str]:
    """Checklist points (docs/domain.md §3) in checklist order, each once."""
    keys = list(keys)
    unknown = [k for k in keys if k not in CHECKLIST_KEYS]
    if unknown:
        raise ValidationError(
            {
                "must_haves": _("Not a checklist point: %(keys)s.")
                % {"keys": ", ".join(map(str, unknown))}
            }
        )
    chosen = set(keys)
    return [key for key in CHECKLIST_KEYS if key in chosen]


@transaction.atomic
def rfq_criteria_update(
    *,
    rfq: Rfq,
    by: User,
    weights: Mapping[str, Any] | None = None,
    must_haves: Iterable[str] | None = None,
) -> Rfq:
    """Weights and must-haves change while the RFQ is a draft or open (the vendors quote
    against the must-haves they were shown)."""
    require_procurement(by)
    rfq = _locked_rfq(rfq)
    _check_editable(rfq, "weights" if weights is not None else "must_haves")
    if weights is not None:
        for key, value in clean_weights(weights).items():
            setattr(rfq, f"weight_{key}", value)
    if must_haves is not None:
        rfq.must_haves = clean_must_haves(must_haves)
    rfq.full_clean()
    rfq._history_user = by
    rfq.save()
    return rfq


# --- test cases ----------------------------------------------------------------------------


def _save_test_case(test_case: TestCase, *, by: User, prefix: str = "") -> None:
    try:
        test_case.full_clean(exclude=["rfq"])
    except ValidationError as exc:
        raise ValidationError(
            {f"{prefix}{field}": msgs for field, msgs in exc.message_dict.items()}
        ) from exc
    test_case._history_user = by
    test_case.save()


@transaction.atomic
def test_case_create(*, rfq: Rfq, by: User, data: Mapping[str, Any]) -> TestCase:
    require_procurement(by)
    rfq = _locked_rfq(rfq)
    _check_editable(rfq, "test_cases")
    position = rfq.test_cases.count() + 1
    test_case = TestCase(
        rfq=rfq, position=position, **{k: v for k, v in data.items() if k in TEST_CASE_FIELDS}
    )
    _save_test_case(test_case, by=by)
    return test_case


@transaction.atomic
def test_case_update(*, test_case: TestCase, by: User, data: Mapping[str, Any]) -> TestCase:
    require_procurement(by)
    rfq = _locked_rfq(test_case.rfq)
    _check_editable(rfq, "test_cases")
    test_case = TestCase.objects.get(pk=test_case.pk)
    for name in TEST_CASE_FIELDS:
        if name in data:
            setattr(test_case, name, data[name])
    _save_test_case(test_case, by=by)
    return test_case


@transaction.atomic
def test_case_delete(*, test_case: TestCase, by: User) -> None:
    require_procurement(by)
    rfq = _locked_rfq(test_case.rfq)
    _check_editable(rfq, "test_cases")
    test_case._history_user = by
    test_case.delete()


@transaction.atomic
def test_cases_replace(*, rfq: Rfq, by: User, rows: Sequence[Mapping[str, Any]]) -> None:
    """docs/api.md `test_cases`: the list as given (an `id` keeps an existing case and its
    answers; a case left out is removed)."""
    require_procurement(by)
    rfq = _locked_rfq(rfq)
    _check_editable(rfq, "test_cases")
    existing = {tc.pk: tc for tc in rfq.test_cases.all()}
    keep = set()
    for index, row in enumerate(rows):
        pk = row.get("id")
        if pk is not None and pk not in existing:
            raise ValidationError({f"test_cases.{index}.id": _("No test case with this id here.")})
        test_case = existing.get(pk) or TestCase(rfq=rfq)
        for name in TEST_CASE_FIELDS:
            if name in row:
                setattr(test_case, name, row[name] if row[name] is not None else "")
        test_case.position = index + 1
        _save_test_case(test_case, by=by, prefix=f"test_cases.{index}.")
        keep.add(test_case.pk)
    for pk, test_case in existing.items():
        if pk not in keep:
            test_case._history_user = by
            test_case.delete()


# --- answers (the vendor, in its quote) ----------------------------------------------------


def test_case_answers_save(
    *, quote: Quote, by: User, answers: Mapping[int, str], field: str = "test_case_answers"
) -> list[str]:
    """Store the quote's answers (test case id → text); the caller has checked that `by`
    may write the quote and runs this in the quote's own transaction. A changed answer
    loses its rating: the buyer rates what the vendor says now. Returns the changed ids."""
    cases = {tc.pk: tc for tc in quote.rfq.test_cases.all()}
    unknown = [pk for pk in answers if pk not in cases]
    if unknown:
        raise ValidationError(
            {
                field: _("Not a test case of this RFQ: %(ids)s.")
                % {"ids": ", ".join(map(str, unknown))}
            }
        )
    current = {a.test_case_id: a for a in quote.test_case_answers.all()}
    changed = []
    for pk, text in answers.items():
        text = (text or "").strip()
        answer = current.get(pk)
        if answer is None:
            if not text:
                continue
            answer = TestCaseAnswer(quote=quote, test_case=cases[pk])
        elif answer.answer == text:
            continue
        answer.answer = text
        answer.rating = None
        answer.rated_by = None
        answer.rated_at = None
        answer.full_clean()
        answer._history_user = by
        answer.save()
        changed.append(str(pk))
    return changed


# --- ratings (procurement, blind) ----------------------------------------------------------


@transaction.atomic
def test_case_ratings_save(
    *, quote: Quote, by: User, ratings: Mapping[int, int | None]
) -> list[TestCaseAnswer]:
    """Rate the quote's answers 1–5 (None clears a rating). Only submitted quotes of an
    open or closed RFQ; a test case the vendor did not answer cannot be rated."""
    require_procurement(by)
    quote = Quote.objects.select_related("rfq").get(pk=quote.pk)
    if quote.status != QuoteStatus.SUBMITTED:
        raise ValidationError({"quote": _("Only a submitted quote's answers can be rated.")})
    if not quote.rfq.takes_ratings:
        raise ValidationError(
            {
                "status": _("This RFQ is %(status)s: its answers can no longer be rated.")
                % {"status": quote.rfq.get_status_display().lower()}
            }
        )
    answers = {
        a.test_case_id: a for a in TestCaseAnswer.objects.select_for_update().filter(quote=quote)
    }
    case_ids = set(quote.rfq.test_cases.values_list("pk", flat=True))
    errors: dict[str, str] = {}
    for pk, rating in ratings.items():
        if pk not in case_ids:
            errors[f"test_case_id.{pk}"] = _("Not a test case of this RFQ.")
        elif pk not in answers or not answers[pk].answer.strip():
            errors[f"test_case_id.{pk}"] = _("The vendor did not answer this test case.")
        elif rating is not None and (
            isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
        ):
            errors[f"rating.{pk}"] = _("Rate from 1 (poor) to 5 (excellent).")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    saved = []
    for pk, rating in ratings.items():
        answer = answers[pk]
        if answer.rating == rating:
            saved.append(answer)
            continue
        answer.rating = rating
        answer.rated_by = by if rating is not None else None
        answer.rated_at = now if rating is not None else None
        answer.full_clean()
        answer._history_user = by
        answer.save()
        saved.append(answer)
    return saved
