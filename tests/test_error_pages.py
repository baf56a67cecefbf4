"""Custom 400/403/404/500 pages: the base layout, the user's language, a way back."""

import pytest
from django.test import Client
from django.urls import reverse
from django.views import defaults

from common.views import server_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_404_for_a_signed_in_user_shows_navigation_and_a_way_home(manager):
    response = _signed_in_client(manager).get("/pilots/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'data-nav="pilots:pilot_list"' in html  # the signed-in navigation
    assert f'href="{reverse("home")}" data-error-home' in html
    assert "history.back()" in html
    assert 'id="language-select"' in html
    assert "Sign out" in html


def test_a_403_shows_the_layout_and_a_way_back(vendor_a_user):
    response = _signed_in_client(vendor_a_user).get(reverse("procurement:vendor_list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Access denied" in html
    assert "data-nav=" in html
    assert "data-error-home" in html


def test_the_pages_are_in_dutch_for_a_dutch_user(manager):
    manager.language = "nl"
    manager.save(update_fields=["language"])
    response = _signed_in_client(manager).get("/pilots/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="nl">' in html
    assert "Pagina niet gevonden" in html
    assert "Naar de startpagina" in html


def test_the_500_page_renders_without_the_database(rf, django_assert_num_queries):
    request = rf.get("/pilots/")
    try:
        raise ValueError("a bug")
    except ValueError:
        with django_assert_num_queries(0):
            response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "data-error-home" in html


def test_a_400_page_in_the_layout(rf):
    response = defaults.bad_request(rf.get("/"), exception=None)
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


@pytest.mark.parametrize("path", ["/pilots/no-such-page/", "/procurement/quotes/987654/"])
def test_under_debug_a_404_is_the_products_page_never_the_url_list(settings, vendor_a_user, path):
    settings.DEBUG = True  # as under `make run` (issue 24)
    response = _signed_in_client(vendor_a_user).get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "data-error-home" in html
    assert "URLconf" not in html and "admin/" not in html


def test_under_debug_a_403_is_the_products_page(settings, vendor_a_user):
    settings.DEBUG = True
    response = _signed_in_client(vendor_a_user).get(reverse("procurement:vendor_list"))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
