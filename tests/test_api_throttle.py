"""The token API answers 429 with Retry-After past settings.API_THROTTLE_RATE, per user."""

import pytest
from django.core.cache import cache

from config.api import UserRateThrottle, api

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_a_minute(monkeypatch):
    (throttle,) = [t for t in api.throttle if isinstance(t, UserRateThrottle)]
    monkeypatch.setattr(throttle, "num_requests", 2)
    monkeypatch.setattr(throttle, "duration", 60)
    cache.clear()
    yield
    cache.clear()


def test_the_third_request_in_a_minute_is_429_with_retry_after(
    two_a_minute, api_as, procurement_user, manager
):
    client = api_as(procurement_user)
    assert [client.get("/api/v1/vendors").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/vendors")
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many requests."}
    assert 0 < int(response["Retry-After"]) <= 60
    # Another user has a budget of their own.
    assert api_as(manager).get("/api/v1/rfqs").status_code == 200


def test_the_configured_rate_is_the_settings_one(settings):
    (throttle,) = [t for t in api.throttle if isinstance(t, UserRateThrottle)]
    assert throttle.rate == settings.API_THROTTLE_RATE
