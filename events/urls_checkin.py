"""Check-in at the door, for staff (see events.checkin_views), under the language prefix:
/km/staff/events/<id>/check-in/ and the card a registrant's QR code opens."""

from django.urls import path

from . import checkin_views

app_name = "checkin"

urlpatterns = [
    path("events/<int:event_id>/check-in/", checkin_views.checkin_page, name="page"),
    path(
        "events/<int:event_id>/check-in/counts/",
        checkin_views.checkin_counts_view,
        name="counts",
    ),
    path(
        "events/<int:event_id>/check-in/walk-in/",
        checkin_views.checkin_walk_in_view,
        name="walk-in",
    ),
    path(
        "events/<int:event_id>/check-in/<int:registration_id>/",
        checkin_views.checkin_tap,
        name="tap",
    ),
    path("check-in/<str:token>/", checkin_views.checkin_card, name="card"),
]
