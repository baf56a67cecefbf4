"""The OpenAPI document describes the evaluation endpoints exactly as docs/api.md names them."""

import pytest

from kpis.definitions import CORE_KEYS, KPI_KEYS


@pytest.mark.django_db
def test_openapi_has_the_scorecard_and_alert_endpoints(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert set(paths["/api/v1/pilots/{id}/scorecards"]) == {"get"}
    assert set(paths["/api/v1/alerts"]) == {"get"}
    schemas = document["components"]["schemas"]
    scorecard = schemas["ScorecardOut"]["properties"]
    assert set(scorecard) == {
        "id",
        "checkpoint_day",
        "window",
        "kpis",
        "met_count",
        "data_coverage_pct",
        "verdict",
        "created_at",
        "emailed_at",
        "data_changed_at",  # docs/domain.md §5, beside docs/api.md's fields
        "gaps",  # docs/api.md: a stop lists [{kpi, gap, remedy}]
    }
    assert set(schemas["WindowOut"]["properties"]) == {"from", "to"}
    assert set(schemas["ScorecardKpiOut"]["properties"]) == {
        "value",
        "target",
        "met",
        "interval",
        "reliable",
        "must_meet",
    }
    assert set(schemas["IntervalOut"]["properties"]) == {"low", "high"}
    assert set(schemas["GapOut"]["properties"]) == {"kpi", "gap", "remedy", "must_meet"}
    # Every KPI of the table, the five required (docs/domain.md §5).
    kpis = schemas["KpisOut"]
    assert set(kpis["properties"]) == set(KPI_KEYS)
    assert set(kpis["required"]) == set(CORE_KEYS)
