"""The calling person: GET/PATCH /api/v1/me/ (roles, interface language, email notifications)."""

URL = "/api/v1/me/"


def test_me_names_the_person_and_their_roles_with_default_preferences(api, reviewer):
    body = api(reviewer).get(URL).json()
    assert body == {"username": reviewer.username, "roles": ["reviewer"], "language": "", "email_notifications": True}


def test_a_chosen_language_is_kept_on_the_account(api, editor):
    assert api(editor).patch(URL, {"language": "it"}, format="json").json()["language"] == "it"
    assert api(editor).get(URL).json()["language"] == "it"


def test_a_language_the_interface_does_not_speak_is_refused_naming_the_field(api, viewer):
    response = api(viewer).patch(URL, {"language": "xx"}, format="json")
    assert response.status_code == 400
    assert "language" in response.json()


def test_email_notifications_can_be_switched_off(api, viewer):
    assert api(viewer).patch(URL, {"email_notifications": False}, format="json").json()["email_notifications"] is False


def test_me_needs_a_login(client):
    assert client.get(URL).status_code in (401, 403)
