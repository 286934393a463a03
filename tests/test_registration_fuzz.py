"""Generated junk posted to the registration form: never a 500, never a half-made row."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.models import Registration
from tests.factories import EventFactory

FIELDS = [
    "full_name",
    "organisation",
    "organisation_name",
    "position",
    "gender",
    "email",
    "phone",
    "language",
    "accessibility_needs",
    "consent",
    "website",
]
junk_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0x1780, max_codepoint=0x17FF), max_size=80),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20),  # control characters
    st.just("x" * 20_000),
    st.sampled_from(["female", "km", "on", "012 345 678", "a@b.co", "0", "-1", "999999"]),
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.dictionaries(st.sampled_from(FIELDS), junk_text, max_size=len(FIELDS)))
def test_junk_never_breaks_the_form(client, data):
    from django.core.cache import cache

    cache.clear()  # the rate limit is not what this test is about
    event = EventFactory()
    # NUL bytes cannot reach a database field; Django's form fields refuse them with a message.
    response = client.post(f"/en/events/{event.slug}/register/", data)
    assert response.status_code in {302, 400, 409}
    for registration in Registration.objects.all():
        assert registration.full_name.strip()
        assert registration.email and "@" in registration.email
        assert registration.gender in Registration.Gender.values
        assert registration.organisation_id or registration.organisation_name
    Registration.objects.all().delete()
