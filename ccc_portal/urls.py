from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.static import serve

from events.telegram_views import telegram_webhook
from events.urls import certificate_urlpatterns, ical_urlpatterns, registration_urlpatterns

from . import views
from .sitemaps import SITEMAPS

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME

# In the visitor's language and the site's layout (CSRF failures too: CSRF_FAILURE_VIEW).
handler400 = "ccc_portal.errors.bad_request"
handler403 = "ccc_portal.errors.permission_denied"
handler404 = "ccc_portal.errors.page_not_found"
handler500 = "ccc_portal.errors.server_error"

# Outside the language prefix: machine endpoints.
urlpatterns = [
    path("health/", views.health, name="health"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("favicon.ico", views.favicon_ico, name="favicon-ico"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include((ical_urlpatterns, "ical"))),
    path("telegram/webhook/", telegram_webhook, name="telegram-webhook"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("events/", include("events.urls")),
    path("registrations/", include((registration_urlpatterns, "registrations"))),
    path("certificates/", include((certificate_urlpatterns, "certificates"))),
    path("surveys/", include("surveys.urls")),
    path("members/", include("members.urls")),
    path("networks/", include("networks.urls")),
    path("account/", include("accounts.urls")),
    path("privacy/", include("privacy.urls")),
    path("staff/", include("events.urls_checkin")),
    path("admin/", admin.site.urls),
)

if settings.BENCH_ENDPOINTS:
    urlpatterns += [path("bench/floor/", views.bench_floor)]

if settings.DEBUG:
    # Uploaded files in development; production serves MEDIA_ROOT from the web server.
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
