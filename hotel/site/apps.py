from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils import translation


def _back_to_the_default_language(**_kwargs) -> None:
    """A guest page's language (LocaleMiddleware activates it) ends with its request: what
    the thread runs next (a job in a warm Lambda, the next test) starts in the default one."""
    translation.deactivate()


class SiteConfig(AppConfig):
    """An installed app so that its template tag library (guest_prices) is found."""

    name = "hotel.site"
    label = "hotel_site"
    verbose_name = "Guest site"

    def ready(self) -> None:
        request_finished.connect(_back_to_the_default_language, dispatch_uid="site-language")
