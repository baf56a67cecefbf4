"""Issue 12: the RFQ's weights and must-haves, its test cases, the vendors' answers and the
buyer's blind ratings."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from procurement import selectors, services
from procurement.models import Rfq, TestCase, TestCaseAnswer

pytestmark = pytest.mark.django_db

GOOD_WEIGHTS = {
    "cost": 30,
    "service": 20,
    "compliance": 20,
    "scalability": 10,
    "risk": 10,
    "test_cases": 10,
}


def _criteria_post(must_haves=(), **weights):
    data = {f"weight_{k}": v for k, v in {**GOOD_WEIGHTS, **weights}.items()}
    data["must_haves"] = list(must_haves)
    return data


# --- weights and must-haves ----------------------------------------------------------------


def test_the_defaults_are_domains_weights(rfq):
    assert rfq.weights == {
        "cost": 40,
        "service": 20,
        "compliance": 20,
        "scalability": 10,
        "risk": 10,
        "test_cases": 0,
    }


def test_procurement_saves_weights_and_must_haves_on_the_criteria_page(rfq, procurement_client):
    url = reverse("procurement:rfq_criteria", args=[rfq.pk])
    response = procurement_client.post(url, _criteria_post(must_haves=["dpa", "data_location"]))
    assert response.status_code == 302
    rfq.refresh_from_db()
    assert rfq.weights == GOOD_WEIGHTS
    assert rfq.must_haves == ["dpa", "data_location"]
    assert rfq.history.first().history_user.is_procurement


def test_weights_not_adding_up_to_100_are_a_form_error_and_change_nothing(rfq, procurement_client):
    url = reverse("procurement:rfq_criteria", args=[rfq.pk])
    response = procurement_client.post(url, _criteria_post(cost=50, must_haves=["dpa"]))
    assert response.status_code == 422
    assert "The weights must add up to 100; they add up to 120." in response.content.decode()
    rfq.refresh_from_db()
    assert rfq.weight_cost == 40 and rfq.must_haves == []


def test_the_database_refuses_weights_not_adding_up_to_100(rfq):
    with pytest.raises(IntegrityError), transaction.atomic():
        Rfq.objects.filter(pk=rfq.pk).update(weight_cost=41)


def test_the_criteria_are_frozen_once_the_rfq_is_closed(rfq, procurement_user):
    Rfq.objects.filter(pk=rfq.pk).update(status="closed")
    with pytest.raises(ValidationError) as exc:
        services.rfq_criteria_update(rfq=rfq, by=procurement_user, weights=GOOD_WEIGHTS)
    assert "weights" in exc.value.message_dict


def test_an_unknown_must_have_is_refused(rfq, procurement_user):
    with pytest.raises(ValidationError) as exc:
        services.rfq_criteria_update(rfq=rfq, by=procurement_user, must_haves=["free_coffee"])
    assert "must_haves" in exc.value.message_dict


def test_managers_and_vendors_cannot_edit_the_criteria(
    rfq, manager_client, vendor_a_client, invitation_a
):
    url = reverse("procurement:rfq_criteria", args=[rfq.pk])
    assert manager_client.get(url).status_code == 403
    assert vendor_a_client.get(url).status_code == 403


def test_the_api_answers_422_naming_weights_and_creates_nothing(procurement_user, api_as):
    payload = {
        "title": "Best value round",
        "channels": [{"channel": "email", "volume_per_month": 500, "aht_minutes": "10"}],
        "quote_deadline": "2026-03-20T17:00:00+01:00",
        "weights": {**GOOD_WEIGHTS, "cost": 10},
    }
    response = api_as(procurement_user).post("/api/v1/rfqs", payload)
    assert response.status_code == 422
    assert "weights" in response.json()["errors"]
    assert "add up to 80" in response.json()["errors"]["weights"][0]
    assert not Rfq.objects.filter(title="Best value round").exists()


def test_the_api_takes_weights_must_haves_and_test_cases(procurement_user, api_as):
    payload = {
        "title": "Best value round",
        "channels": [{"channel": "email", "volume_per_month": 500, "aht_minutes": "10"}],
        "quote_deadline": "2026-03-20T17:00:00+01:00",
        "weights": GOOD_WEIGHTS,
        "must_haves": ["data_location", "dpa"],
        "test_cases": [{"title": "Refund after 40 days", "description": "Return period 30"}],
    }
    response = api_as(procurement_user).post("/api/v1/rfqs", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["weights"] == GOOD_WEIGHTS
    assert body["must_haves"] == ["dpa", "data_location"]  # checklist order
    [case] = body["test_cases"]
    assert case["title"] == "Refund after 40 days" and case["id"]
    assert body["status"] == "open"


# --- test cases, answers and the blind review ----------------------------------------------


@pytest.fixture
def cases(rfq, procurement_user):
    services.test_cases_replace(
        rfq=rfq,
        by=procurement_user,
        rows=[
            {"title": "Refund after 40 days", "description": "Return period is 30 days."},
            {"title": "Lost parcel", "description": "Angry customer on chat."},
        ],
    )
    return list(rfq.test_cases.all())


def test_procurement_adds_and_removes_test_cases_while_open(rfq, procurement_client):
    response = procurement_client.post(
        reverse("procurement:test_case_create", args=[rfq.pk]),
        {"title": "Refund after 40 days", "description": "Return period 30 days"},
    )
    assert response.status_code == 302
    case = TestCase.objects.get(rfq=rfq)
    response = procurement_client.post(reverse("procurement:test_case_delete", args=[case.pk]))
    assert response.status_code == 302
    assert not TestCase.objects.filter(rfq=rfq).exists()


def test_a_test_case_needs_a_title(rfq, procurement_client):
    response = procurement_client.post(
        reverse("procurement:test_case_create", args=[rfq.pk]), {"title": ""}
    )
    assert response.status_code == 422
    assert not TestCase.objects.exists()


def test_the_vendor_answers_the_test_cases_of_its_quote(
    quote_a, cases, vendor_a_client, vendor_b_client
):
    url = reverse("procurement:quote_test_cases", args=[quote_a.pk])
    assert vendor_b_client.get(url).status_code == 404  # another vendor's quote
    response = vendor_a_client.post(
        url, {f"answer_{cases[0].pk}": "Store credit", f"answer_{cases[1].pk}": "Reship"}
    )
    assert response.status_code == 302
    assert dict(quote_a.test_case_answers.values_list("test_case_id", "answer")) == {
        cases[0].pk: "Store credit",
        cases[1].pk: "Reship",
    }


def test_the_vendors_see_the_test_cases_and_must_haves_on_the_rfq(
    rfq, cases, invitation_a, vendor_a_client, procurement_user
):
    services.rfq_criteria_update(rfq=rfq, by=procurement_user, must_haves=["dpa"])
    page = vendor_a_client.get(reverse("procurement:portal_rfq", args=[rfq.pk])).content.decode()
    assert "Refund after 40 days" in page
    assert "Data processing agreement (DPA)" in page


def test_a_changed_answer_loses_its_rating(quote_a, cases, procurement_user, vendor_a_user):
    services.test_case_answers_save(quote=quote_a, by=vendor_a_user, answers={cases[0].pk: "A"})
    services.test_case_ratings_save(quote=quote_a, by=procurement_user, ratings={cases[0].pk: 4})
    services.test_case_answers_save(quote=quote_a, by=vendor_a_user, answers={cases[0].pk: "B"})
    answer = TestCaseAnswer.objects.get(quote=quote_a, test_case=cases[0])
    assert (answer.answer, answer.rating) == ("B", None)


def test_blind_review_hides_the_names_until_every_answer_is_rated(
    rfq, quote_a, quote_b, cases, procurement_client, vendor_a_user, vendor_b_user
):
    services.test_case_answers_save(
        quote=quote_a, by=vendor_a_user, answers={cases[0].pk: "Alpha refund answer"}
    )
    services.test_case_answers_save(
        quote=quote_b, by=vendor_b_user, answers={cases[0].pk: "Beta refund answer"}
    )
    url = reverse("procurement:blind_review", args=[rfq.pk])
    page = procurement_client.get(url).content.decode()
    assert "Alpha refund answer" in page and "Beta refund answer" in page
    assert quote_a.vendor.name not in page and quote_b.vendor.name not in page
    assert "0 of 2 answers rated" in page

    a = TestCaseAnswer.objects.get(quote=quote_a)
    b = TestCaseAnswer.objects.get(quote=quote_b)
    ref_a, ref_b = (selectors.blind_answer_ref(rfq, answer.pk) for answer in (a, b))
    response = procurement_client.post(url, {f"rating_{ref_a}": "4", f"rating_{ref_b}": ""})
    assert response.status_code == 302
    page = procurement_client.get(url).content.decode()
    assert "1 of 2 answers rated" in page
    assert quote_a.vendor.name not in page  # one left: still blind

    procurement_client.post(url, {f"rating_{ref_a}": "4", f"rating_{ref_b}": "2"})
    page = procurement_client.get(url).content.decode()
    assert "2 of 2 answers rated" in page
    assert quote_a.vendor.name in page and quote_b.vendor.name in page
    a.refresh_from_db()
    assert (a.rating, a.rated_by.is_procurement) == (4, True)


def test_the_blind_review_is_procurements(rfq, manager_client, vendor_a_client, invitation_a):
    url = reverse("procurement:blind_review", args=[rfq.pk])
    assert manager_client.get(url).status_code == 403
    assert vendor_a_client.get(url).status_code == 403


def test_ratings_over_the_api(quote_a, cases, procurement_user, vendor_a_user, api_as):
    services.test_case_answers_save(quote=quote_a, by=vendor_a_user, answers={cases[0].pk: "A"})
    url = f"/api/v1/quotes/{quote_a.pk}/test-case-ratings"
    bad = api_as(procurement_user).put(url, [{"test_case_id": cases[0].pk, "rating": 6}])
    assert bad.status_code == 422
    for rating in (True, "4_0", "٤"):  # JSON true, an underscore, an Arabic-Indic digit
        odd = api_as(procurement_user).put(url, [{"test_case_id": cases[0].pk, "rating": rating}])
        assert odd.status_code == 422 and "0.rating" in odd.json()["errors"], rating
    unanswered = api_as(procurement_user).put(url, [{"test_case_id": cases[1].pk, "rating": 3}])
    assert unanswered.status_code == 422
    assert TestCaseAnswer.objects.get(quote=quote_a).rating is None  # nothing changed
    ok = api_as(procurement_user).put(url, [{"test_case_id": cases[0].pk, "rating": 5}])
    assert ok.status_code == 200
    assert ok.json() == [{"test_case_id": cases[0].pk, "answer": "A", "rating": 5}]
    assert (
        api_as(vendor_a_user).put(url, [{"test_case_id": cases[0].pk, "rating": 1}]).status_code
        == 403
    )
    # The vendor reads its answers but never the buyer's rating.
    own = api_as(vendor_a_user).get(f"/api/v1/quotes/{quote_a.pk}").json()
    assert own["test_case_answers"] == [
        {"test_case_id": cases[0].pk, "answer": "A", "rating": None}
    ]


def test_a_vendor_submits_its_answers_with_the_quote_over_the_api(
    rfq, cases, invitation_a, vendor_a_user, api_as
):
    payload = {
        "pricing_model": "hourly",
        "hourly_rate": "18",
        "test_case_answers": [{"test_case_id": cases[1].pk, "answer": "Reship today"}],
    }
    response = api_as(vendor_a_user).post(f"/api/v1/rfqs/{rfq.pk}/quotes", payload)
    assert response.status_code == 201, response.content
    assert response.json()["test_case_answers"] == [
        {"test_case_id": cases[1].pk, "answer": "Reship today", "rating": None}
    ]


def test_an_answer_to_another_rfqs_test_case_is_refused_with_nothing_saved(
    rfq, cases, invitation_a, vendor_a_user, api_as
):
    payload = {
        "pricing_model": "hourly",
        "hourly_rate": Decimal("18"),
        "test_case_answers": [{"test_case_id": 99999, "answer": "?"}],
    }
    response = api_as(vendor_a_user).post(f"/api/v1/rfqs/{rfq.pk}/quotes", payload)
    assert response.status_code == 422
    assert "test_case_answers" in response.json()["errors"]
    assert not rfq.quotes.exists()


def test_the_invitation_e_mail_lists_the_must_haves_and_test_cases(
    rfq, cases, procurement_user, vendor_a_user, django_capture_on_commit_callbacks
):
    services.rfq_criteria_update(rfq=rfq, by=procurement_user, must_haves=["dpa"])
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(rfq=rfq, vendor=vendor_a_user.vendor, by=procurement_user)
    [message] = mail.outbox
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "Data processing agreement (DPA)" in part
        assert "Refund after 40 days" in part


def test_the_quote_form_takes_the_answers_with_the_quote(rfq, cases, invitation_a, vendor_a_client):
    url = reverse("procurement:portal_quote", args=[rfq.pk])
    assert "Refund after 40 days" in vendor_a_client.get(url).content.decode()
    data = {"pricing_model": "hourly", "hourly_rate": "18", "action": "submit"}
    data[f"answer_{cases[0].pk}"] = "Store credit"
    response = vendor_a_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    quote = rfq.quotes.get()
    assert quote.status == "submitted"
    assert [a.answer for a in quote.test_case_answers.all()] == ["Store credit"]
