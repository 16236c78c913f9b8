from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from bookings.urls import api_urlpatterns as bookings_api
from bookings.urls import urlpatterns as bookings_pages
from hotel.accounts.api.views import TokenView
from hotel.admin_site import site
from hotel.views import healthz
from payments.urls import api_urlpatterns as payments_api
from payments.urls import urlpatterns as payments_urls
from rooms.urls import api_urlpatterns as rooms_api
from rooms.urls import urlpatterns as rooms_urls
from rooms.views import home

api_urlpatterns = [
    path("auth/token", TokenView.as_view(), name="auth-token"),
    *bookings_api,
    *payments_api,
    *rooms_api,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", site.urls),
    path("api/", include(api_urlpatterns)),
    *payments_urls,  # webhooks/stripe, the guest payment pages
    *bookings_pages,  # the guest site: search, book, find and manage a booking
    *rooms_urls,  # calendars/rooms/<room>/<token>.ics (the per-room iCal feed)
]

# The guest site's error pages; /api/ paths keep the JSON error shape (hotel.middleware).
handler404 = "rooms.views.page_not_found"
handler500 = "rooms.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
