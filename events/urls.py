from django.urls import path

from . import certificate_views, invitation_views, material_views, offer_views, views

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event-list"),
    path("past/", views.EventListView.as_view(archive=True), name="event-archive"),
    path("<int:year>/<int:month>/", views.EventMonthView.as_view(), name="event-month"),
    path("materials/<int:pk>/", material_views.material, name="material"),
    path("series/<slug:slug>/minutes/", material_views.series_minutes_view, name="series-minutes"),
    # A series' events and results (three parts: no clash with "<slug>/register/").
    path("series/<slug:slug>/events/", views.series_archive_view, name="series-archive"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
    path("<slug:slug>/register/", views.RegisterView.as_view(), name="event-register"),
    # An invitee's own page, from the signed link in their invitation (events.invitations).
    path(
        "<slug:slug>/invitation/<str:token>/",
        invitation_views.invitation_view,
        name="invitation",
    ),
    path(
        "<slug:slug>/invitation/<str:token>/decline/",
        invitation_views.invitation_decline_view,
        name="invitation-decline",
    ),
]

# The registrant's own pages, reached through the signed link in their emails.
registration_urlpatterns = [
    path("materials/<str:token>/", material_views.registrant_material, name="material"),
    path("<str:token>/", views.registration_detail, name="detail"),
    path("<str:token>/cancel/", views.registration_cancel_view, name="cancel"),
    path("<str:token>/offer/", offer_views.registration_offer_view, name="offer"),
    path("<str:token>/telegram/stop/", views.registration_telegram_stop, name="telegram-stop"),
    # The registrant's own calendar file: with the join link while they hold a seat.
    path("<str:token>/calendar.ics", views.registration_ics, name="ics"),
]

# The public page that confirms a certificate of attendance (/<lang>/certificates/<code>/).
certificate_urlpatterns = [
    path("<str:code>/", certificate_views.certificate_verify, name="verify"),
]

# Calendar files, outside the language prefix: the language is a query parameter (?lang=km|en).
ical_urlpatterns = [
    path("events/feed.ics", views.event_feed, name="event-feed"),
    path("events/<slug:slug>.ics", views.event_ics, name="event-ics"),
]
