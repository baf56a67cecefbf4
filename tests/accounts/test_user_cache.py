"""The signed-in user kept per process while no user changed (accounts.user_cache, issue 22):
no user query on a repeat request, and every change to a user — deactivated, a new role, a
new password, a row changed by another process — seen on the very next request."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path

from accounts import user_cache
from accounts.models import Role
from tests.factories import ManagerFactory, VendorUserFactory


def whoami(request):
    user = request.user
    if not user.is_authenticated:
        return HttpResponse("anonymous")
    answer = f"{user.email} {user.role} {user.full_name}"
    if user.vendor_id:
        answer += f" of {user.vendor.name}"
    user.full_name = "changed by a view"  # must not leak into the next request
    return HttpResponse(answer)


urlpatterns = [path("whoami/", whoami)]

CACHED = override_settings(
    ROOT_URLCONF=__name__,
    USER_CACHE=True,
    SESSION_ENGINE="accounts.sessions",
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
)

pytestmark = pytest.mark.django_db(transaction=True)


def user_queries(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    table = get_user_model()._meta.db_table
    return response, [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]


@pytest.fixture
def signed_in():
    with CACHED:
        cache.clear()
        user = ManagerFactory(full_name="Mia")
        client = Client()
        client.force_login(user)
        yield user, client


def test_a_repeat_request_reads_no_user_row(signed_in):
    user, client = signed_in
    first, queries = user_queries(lambda: client.get("/whoami/"))
    assert first.content.decode() == f"{user.email} manager Mia"
    assert len(queries) == 1  # the first request in this generation loads the user
    second, queries = user_queries(lambda: client.get("/whoami/"))
    assert queries == []
    # Its own instance: the first view's change to request.user did not stay.
    assert second.content.decode() == f"{user.email} manager Mia"


def test_without_a_shared_cache_every_request_reads_its_user(signed_in):
    _user, client = signed_in
    with override_settings(USER_CACHE=False):
        client.get("/whoami/")
        _response, queries = user_queries(lambda: client.get("/whoami/"))
    assert len(queries) == 1


def test_a_deactivated_user_is_signed_out_on_the_next_request(signed_in):
    user, client = signed_in
    client.get("/whoami/")
    user.is_active = False
    user.save()
    assert client.get("/whoami/").content == b"anonymous"


def test_a_new_role_shows_on_the_next_request(signed_in):
    user, client = signed_in
    client.get("/whoami/")
    user.role = Role.PROCUREMENT
    user.save(update_fields=["role"])
    assert client.get("/whoami/").content.decode() == f"{user.email} procurement Mia"


def test_a_new_password_ends_the_old_session(signed_in):
    user, client = signed_in
    client.get("/whoami/")
    user.set_password("a new secret 4711")
    user.save()
    assert client.get("/whoami/").content == b"anonymous"


def test_a_change_made_by_another_process_is_seen_through_the_generation(signed_in):
    user, client = signed_in
    client.get("/whoami/")
    # Another process changed the row and set a new generation; this process's memory
    # still holds the old user.
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    cache.set(user_cache.GENERATION_KEY, "set by another process", None)
    assert client.get("/whoami/").content == b"anonymous"


def test_a_queryset_update_followed_by_touch_is_seen(signed_in):
    user, client = signed_in
    client.get("/whoami/")
    get_user_model().objects.filter(pk=user.pk).update(full_name="Noor")
    user_cache.touch()
    assert client.get("/whoami/").content.decode() == f"{user.email} manager Noor"


def test_choosing_a_language_is_a_change_every_process_sees(signed_in, settings):
    user, client = signed_in
    client.get("/whoami/")
    before = cache.get(user_cache.GENERATION_KEY)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.get("/whoami/")
    assert get_user_model().objects.get(pk=user.pk).language == "nl"
    assert cache.get(user_cache.GENERATION_KEY) != before


def test_a_vendor_user_comes_with_its_vendor_and_a_renamed_vendor_shows_at_once():
    with CACHED:
        cache.clear()
        user = VendorUserFactory(full_name="Vera", vendor__name="Alpha Contact")
        client = Client()
        client.force_login(user)
        client.get("/whoami/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/whoami/")
        assert response.content.decode().endswith("Vera of Alpha Contact")
        assert queries.captured_queries == []  # neither the user nor its vendor read again
        vendor = user.vendor
        vendor.name = "Alpha Contact Group"
        vendor.save()
        assert client.get("/whoami/").content.decode().endswith("of Alpha Contact Group")
