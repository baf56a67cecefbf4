"""common.services.model_update: sets only the named fields, saves only a change."""

import pytest
from django.core.exceptions import ValidationError

from common.services import model_update
from procurement.models import Vendor

pytestmark = pytest.mark.django_db


def test_sets_only_the_named_fields_and_says_it_changed(vendor_a):
    before = vendor_a.history.count()
    data = {"country": "Portugal", "notes": "ISO on request", "name": "Not this"}
    vendor, changed = model_update(instance=vendor_a, fields=["country", "notes"], data=data)
    assert changed and vendor is vendor_a
    stored = Vendor.objects.get(pk=vendor_a.pk)
    assert (stored.country, stored.notes) == ("Portugal", "ISO on request")
    assert stored.name != "Not this"
    assert vendor_a.history.count() == before + 1


def test_no_change_saves_nothing(vendor_a):
    before = vendor_a.history.count()
    _vendor, changed = model_update(
        instance=vendor_a, fields=["name"], data={"name": vendor_a.name}
    )
    assert not changed
    assert vendor_a.history.count() == before


def test_an_invalid_value_names_the_field_and_saves_nothing(vendor_a):
    with pytest.raises(ValidationError) as caught:
        model_update(instance=vendor_a, fields=["contact_email"], data={"contact_email": "nope"})
    assert "contact_email" in caught.value.message_dict
    assert Vendor.objects.get(pk=vendor_a.pk).contact_email != "nope"


def test_auto_now_fields_move_with_a_change(procurement_user):
    from tests.procurement.factories import RfqFactory

    rfq = RfqFactory(owner=procurement_user)
    stamp = rfq.updated_at
    model_update(instance=rfq, fields=["title"], data={"title": "A new title"})
    rfq.refresh_from_db()
    assert rfq.title == "A new title" and rfq.updated_at > stamp
