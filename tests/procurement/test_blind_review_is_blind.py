"""Issue 21 item 5: the blind review is blind.

Found: the letter order was sha256(rfq, quote, reference) without a secret (computed from
the API's quote ids it matched the page); answer ids in the HTML told the order the vendors
answered in; rating one answer moved that vendor's test-case score on the comparison while
the review still hid names; the quote page and `GET /api/v1/rfqs/{id}/quotes` paired
answers with vendors. Now: a secret random key stored per RFQ orders the letters and makes
opaque answer references, and nothing pairs an answer or a rating with its vendor (quote
pages, comparison, exports, API) until every answer is rated; then everything as before.
"""

import pytest
from django.urls import reverse

from procurement import selectors, services
from procurement.models import Rfq, TestCaseAnswer
from tests.procurement.factories import RfqFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(rfq, procurement_user):
    services.test_cases_replace(
        rfq=rfq,
        by=procurement_user,
        rows=[{"title": "Refund after 40 days"}, {"title": "Lost parcel"}],
    )
    return list(rfq.test_cases.all())


@pytest.fixture
def answered(quote_a, quote_b, cases, vendor_a_user, vendor_b_user):
    services.test_case_answers_save(
        quote=quote_a,
        by=vendor_a_user,
        answers={cases[0].pk: "Alpha refund answer", cases[1].pk: "Alpha parcel answer"},
    )
    services.test_case_answers_save(
        quote=quote_b,
        by=vendor_b_user,
        answers={cases[0].pk: "Beta refund answer", cases[1].pk: "Beta parcel answer"},
    )
    return quote_a, quote_b


def _letters(rfq) -> dict[str, str]:
    review = selectors.blind_review(Rfq.objects.get(pk=rfq.pk))
    return {item.answer.answer: item.label for row in review.rows for item in row.answers}


def test_each_rfq_has_its_own_random_stored_secret(procurement_user):
    first, second = RfqFactory(owner=procurement_user), RfqFactory(owner=procurement_user)
    assert len(first.blind_review_key) == 64 and first.blind_review_key != second.blind_review_key
    first.refresh_from_db()
    assert first.blind_review_key == Rfq.objects.get(pk=first.pk).blind_review_key  # stored


def test_the_letters_follow_the_secret_not_the_ids(rfq, answered):
    # The old public formula cannot tell the letters: the order changes with the key alone.
    orders = set()
    # Forty keys: both orders appear unless the HMAC ignored the key (chance 2 × 2⁻⁴⁰).
    for key in (f"{n:064x}" for n in range(40)):
        Rfq.objects.filter(pk=rfq.pk).update(blind_review_key=key)
        orders.add(_letters(rfq)["Alpha refund answer"])
    assert orders == {"Answer A", "Answer B"}


def test_the_page_holds_no_answer_id(rfq, answered, procurement_client):
    page = procurement_client.get(reverse("procurement:blind_review", args=[rfq.pk]))
    source = page.content.decode()
    for answer in TestCaseAnswer.objects.filter(quote__rfq=rfq):
        assert f"rating_{answer.pk}" not in source
        assert f'data-answer="{answer.pk}"' not in source
        assert f'name="rating_{selectors.blind_answer_ref(rfq, answer.pk)}"' in source
    quote_a, quote_b = answered
    assert quote_a.vendor.name not in source and quote_b.vendor.name not in source


def _rate(rfq, procurement_client, ratings: dict[str, str]) -> None:
    data = {
        f"rating_{selectors.blind_answer_ref(rfq, a.pk)}": ratings.get(a.answer, "")
        for a in TestCaseAnswer.objects.filter(quote__rfq=rfq)
    }
    response = procurement_client.post(reverse("procurement:blind_review", args=[rfq.pk]), data)
    assert response.status_code == 302


def test_the_quote_page_hides_the_answers_until_every_one_is_rated(
    rfq, answered, procurement_client, vendor_a_client
):
    quote_a, _quote_b = answered
    url = reverse("procurement:quote_detail", args=[quote_a.pk])
    page = procurement_client.get(url).content.decode()
    assert "Alpha refund answer" not in page and 'id="answers-hidden"' in page
    # The vendor reads its own answers.
    assert "Alpha refund answer" in vendor_a_client.get(url).content.decode()

    _rate(rfq, procurement_client, {"Alpha refund answer": "4", "Alpha parcel answer": "5"})
    assert "Alpha refund answer" not in procurement_client.get(url).content.decode()
    _rate(
        rfq,
        procurement_client,
        {
            "Alpha refund answer": "4",
            "Alpha parcel answer": "5",
            "Beta refund answer": "2",
            "Beta parcel answer": "3",
        },
    )
    page = procurement_client.get(url).content.decode()
    assert "Alpha refund answer" in page and 'id="answers-hidden"' not in page


def test_the_api_pairs_no_answer_or_rating_with_a_vendor_until_all_are_rated(
    rfq, answered, cases, procurement_user, api_as
):
    quote_a, quote_b = answered
    api = api_as(procurement_user)
    services.test_case_ratings_save(
        quote=quote_a, by=procurement_user, ratings={cases[0].pk: 4, cases[1].pk: 5}
    )
    listed = api.get(f"/api/v1/rfqs/{rfq.pk}/quotes").json()
    assert [q["test_case_answers"] for q in listed] == [[], []]
    assert {q["test_case_answers_hidden"] for q in listed} == {True}
    one = api.get(f"/api/v1/quotes/{quote_a.pk}").json()
    assert one["test_case_answers"] == [] and one["test_case_answers_hidden"] is True

    services.test_case_ratings_save(
        quote=quote_b, by=procurement_user, ratings={cases[0].pk: 2, cases[1].pk: 3}
    )
    one = api.get(f"/api/v1/quotes/{quote_a.pk}").json()
    assert one["test_case_answers_hidden"] is False
    assert sorted((a["answer"], a["rating"]) for a in one["test_case_answers"]) == [
        ("Alpha parcel answer", 5),
        ("Alpha refund answer", 4),
    ]


def test_the_vendor_sees_its_own_answers_over_the_api(rfq, answered, vendor_a_user, api_as):
    quote_a, _quote_b = answered
    own = api_as(vendor_a_user).get(f"/api/v1/quotes/{quote_a.pk}").json()
    assert {a["answer"] for a in own["test_case_answers"]} == {
        "Alpha refund answer",
        "Alpha parcel answer",
    }
    assert {a["rating"] for a in own["test_case_answers"]} == {None}


def test_rating_one_vendors_answers_moves_no_score_on_the_comparison(
    rfq, answered, cases, procurement_user, procurement_client, api_as
):
    quote_a, quote_b = answered
    Rfq.objects.filter(pk=rfq.pk).update(
        weight_cost=30, weight_service=20, weight_compliance=20, weight_scalability=10,
        weight_risk=10, weight_test_cases=10,
    )  # fmt: skip
    api = api_as(procurement_user)

    def scores():
        response = api.get(f"/api/v1/rfqs/{rfq.pk}/comparison", months=12)
        assert response.status_code == 200, response.content
        return {
            q["quote_id"]: (q["scores"]["test_cases"], q["score"])
            for q in response.json()["quotes"]
        }

    before = scores()
    services.test_case_ratings_save(
        quote=quote_a, by=procurement_user, ratings={cases[0].pk: 5, cases[1].pk: 5}
    )
    assert scores() == before
    assert {test_cases for test_cases, _score in before.values()} == {None}
    page = procurement_client.get(reverse("costing:comparison", args=[rfq.pk])).content.decode()
    assert 'id="test-cases-pending"' in page
    csv = procurement_client.get(reverse("costing:comparison_csv", args=[rfq.pk]))
    assert csv.status_code == 200

    services.test_case_ratings_save(
        quote=quote_b, by=procurement_user, ratings={cases[0].pk: 1, cases[1].pk: 3}
    )
    after = scores()
    # Every answer rated: (mean − 1)/4 × 100 — Alpha 5, 5 → 100; Beta 1, 3 → mean 2 → 25.
    assert after[quote_a.pk][0] == "100.00" and after[quote_b.pk][0] == "25.00"
    page = procurement_client.get(reverse("costing:comparison", args=[rfq.pk])).content.decode()
    assert 'id="test-cases-pending"' not in page


@pytest.mark.parametrize("name", ["procurement:quote_edit", "procurement:quote_test_cases"])
def test_the_buyers_quote_forms_hold_no_answer_until_all_are_rated(
    rfq, answered, cases, procurement_user, procurement_client, vendor_a_client, name
):
    quote_a, quote_b = answered
    url = reverse(name, args=[quote_a.pk])
    page = procurement_client.get(url).content.decode()
    assert "Alpha refund answer" not in page and 'id="answers-hidden"' in page
    assert "Alpha refund answer" in vendor_a_client.get(url).content.decode()  # its own

    for quote, ratings in ((quote_a, (4, 5)), (quote_b, (2, 3))):
        services.test_case_ratings_save(
            quote=quote,
            by=procurement_user,
            ratings=dict(zip([c.pk for c in cases], ratings, strict=True)),
        )
    page = procurement_client.get(url).content.decode()
    assert "Alpha refund answer" in page and 'id="answers-hidden"' not in page


def test_saving_the_quote_while_hidden_keeps_the_answers(rfq, answered, procurement_client):
    from tests.procurement.test_quote_pages import _template

    quote_a, _quote_b = answered
    response = procurement_client.post(
        reverse("procurement:quote_edit", args=[quote_a.pk]), _template()
    )
    assert response.status_code == 302, response.content
    assert set(quote_a.test_case_answers.values_list("answer", flat=True)) == {
        "Alpha refund answer",
        "Alpha parcel answer",
    }
