import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import TEST_PASSWORD, ManagerFactory


@pytest.mark.django_db
def test_sign_in_with_email_and_password(client):
    ManagerFactory(email="max@example.com")
    response = client.post(
        reverse("accounts:login"), {"username": "MAX@example.com", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("pilots:pilot_list")).status_code == 200


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client):
    ManagerFactory(email="max@example.com")
    response = client.post(
        reverse("accounts:login"), {"username": "max@example.com", "password": "nope"}
    )
    assert response.status_code == 200
    assert "correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_with_the_right_password(client, settings):
    ManagerFactory(email="max@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "max@example.com", "password": "guess"})
    response = client.post(
        reverse("accounts:login"), {"username": "max@example.com", "password": TEST_PASSWORD}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_needs_post_and_ends_the_session(manager_client):
    response = manager_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert manager_client.get(reverse("pilots:pilot_list")).status_code == 302


@pytest.mark.django_db
def test_password_change(manager, manager_client):
    response = manager_client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-much-better-secret-9",
            "new_password2": "a-much-better-secret-9",
        },
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password("a-much-better-secret-9")


@pytest.mark.django_db
def test_password_reset_by_email(client):
    user = ManagerFactory(email="max@example.com")
    client.post(reverse("accounts:password_reset"), {"email": "max@example.com"})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/reset/" in line)
    assert link.startswith(settings.SITE_URL + "/accounts/reset/")
    path = link.removeprefix(settings.SITE_URL)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "reset-secret-2026!", "new_password2": "reset-secret-2026!"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("reset-secret-2026!")


@pytest.mark.django_db
def test_a_vendor_user_must_belong_to_a_vendor():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create(email="x@example.com", role="vendor")
