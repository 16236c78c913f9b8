from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path

from bookings.urls import api_urlpatterns as bookings_api
from bookings.urls import urlpatterns as bookings_urls
from hotel.accounts.api.key_views import ApiKeyDetailView, ApiKeyListView
from hotel.accounts.api.views import TokenView
from hotel.admin_site import site
from hotel.api import schema_views
from hotel.site import seo
from hotel.site.language import language_switch
from hotel.site.urls import urlpatterns as site_pages
from hotel.views import healthz
from hotel.webhooks.api.urls import api_urlpatterns as webhooks_api
from payments.urls import api_urlpatterns as payments_api
from payments.urls import urlpatterns as payments_urls
from rooms.urls import api_urlpatterns as rooms_api
from rooms.urls import urlpatterns as rooms_urls

api_urlpatterns = [
    path("auth/token", TokenView.as_view(), name="auth-token"),
    path("api-keys", ApiKeyListView.as_view(), name="api-key-list"),
    path("api-keys/<str:key_id>", ApiKeyDetailView.as_view(), name="api-key-detail"),
    *bookings_api,
    *payments_api,
    *rooms_api,
    *webhooks_api,
    path("schema/", schema_views.schema, name="schema"),  # imported on first use
    path("docs/", schema_views.docs, name="docs"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", site.urls),
    path("api/", include(api_urlpatterns)),
    *payments_urls,  # webhooks/stripe
    # The language switcher (a link on every guest page): remembers the choice in a cookie and
    # goes to the same page in that language.
    path("language", language_switch, name="site-language"),
    path("sitemap.xml", seo.sitemap, name="sitemap"),
    path("robots.txt", seo.robots, name="robots"),
    # The guest site: home, search, book, pay, find and manage a booking. English at /, the
    # other languages under /de/, /fr/, /es/ (settings.LANGUAGES).
    *i18n_patterns(*site_pages, prefix_default_language=False),
    *bookings_urls,
    *rooms_urls,  # calendars/rooms/<room>/<token>.ics (the per-room iCal feed)
]

# The guest site's error pages; /api/ paths keep the JSON error shape (hotel.middleware).
handler404 = "hotel.site.errors.page_not_found"
handler500 = "hotel.site.errors.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
