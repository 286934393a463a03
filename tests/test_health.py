from unittest import mock

from ccc_portal import views


def test_health_reports_database_and_broker(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok"}


def test_health_is_503_when_the_broker_is_down(client, db):
    with mock.patch.object(views, "_broker_ok", return_value=False):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"


def test_health_is_503_when_the_database_is_down(client, db):
    with mock.patch.object(views.connection, "cursor", side_effect=Exception("gone")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
