"""The guest site's language: which one a page is in, how a guest switches, and how a guest who
chose (or whose browser prefers) another language lands on its pages.

A page's language is its URL's: English pages keep their paths (`/search`), the others live
under a prefix (`/de/search`, settings.LANGUAGES; hotel.urls wraps the site in i18n_patterns),
so a search engine indexes each translation and a link sent to a friend opens in the language
it was sent in. Django's LocaleMiddleware activates it. The back office and the API are
English whatever the guest's browser says.

The switcher on every page (templates/site/base.html) links to `/language?lang=de&next=…`: a
plain link, so it works without JavaScript and the pages need no CSRF cookie (they stay
cacheable). It remembers the choice in Django's language cookie for a year and goes to the
same page in that language. An unprefixed page asked for by a guest whose cookie names
another language, or with no cookie whose browser prefers one (Accept-Language), is
redirected to its translation (PreferredLanguageMiddleware).
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from hotel.languages import LANGUAGE_CODES
from hotel.middleware import vary_on_language


def _safe_next(request, value: str | None) -> str:
    """Where a switch goes back to: a path on this site, else the home page."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return "/"


@require_safe
def language_switch(request):
    """`GET /language?lang=de&next=/search?…`: remember the language, go to `next` in it."""
    code = request.GET.get("lang", "")
    if code not in LANGUAGE_CODES:
        return HttpResponseBadRequest("Unknown language.", content_type="text/plain")
    back = _safe_next(request, request.GET.get("next"))
    # translate_url resolves in the active language: `next`'s own, named by its prefix.
    with translation.override(translation.get_language_from_path(back) or settings.LANGUAGE_CODE):
        target = translate_url(back, code)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    patch_cache_control(response, private=True, no_cache=True)
    return response


def preferred_language(request) -> str:
    """The guest's language when the URL names none: the remembered choice, else the first of
    the browser's Accept-Language the site speaks, else English."""
    return translation.get_language_from_request(request, check_path=False)


# A language other than the default: a path it translates to something else is a guest page.
_OTHER = next((code for code in LANGUAGE_CODES if code != settings.LANGUAGE_CODE), "")


class SiteLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except under a URL conf without the guest site's
    i18n_patterns (the split deployment's rooms and payments functions serve only the API):
    there Django would follow the browser's language; the API is English everywhere."""

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if not is_language_prefix_patterns_used(urlconf)[0]:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        super().process_request(request)


class PreferredLanguageMiddleware:
    """Send a guest's GET of an unprefixed (English) page to its translation when the guest
    chose, or the browser prefers, another language the site speaks.

    Runs after LocaleMiddleware. Pages already under a prefix, POSTs, and everything that is
    not a guest page are left alone. The redirect varies on the cookie and Accept-Language
    and is never cached by a shared cache. The English page served instead varies on them
    too (a shared cache other than CloudFront, which keys on the cookie, must not give it to
    a guest it would have redirected) and stays shareable (hotel.middleware.vary_on_language).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or translation.get_language_from_path(
            request.path_info
        ):
            return self.get_response(request)
        path = request.get_full_path()
        code = preferred_language(request)
        if code != settings.LANGUAGE_CODE:
            target = translate_url(path, code)
            if target != path:
                response = HttpResponseRedirect(target)
                patch_vary_headers(response, ("Accept-Language", "Cookie"))
                patch_cache_control(response, private=True, no_cache=True)
                return response
            return self.get_response(request)  # no translation: not a guest page
        response = self.get_response(request)
        if _OTHER and _is_guest_page(request, path):  # a guest page: others go elsewhere
            vary_on_language(response)
        return response


# Per URL pattern (the URL conf, view and route it resolved to): whether another language
# has its own address for it. A pattern's answer never changes, and working it out resolves
# the path again (0.3-0.7 ms on every API GET here), so it is worked out once per pattern.
_guest_patterns: dict[tuple[str, str, str], bool] = {}


def _is_guest_page(request, path: str) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:  # nothing answered the path (a 404): no cache key
        return translate_url(path, _OTHER) != path
    key = (str(getattr(request, "urlconf", None) or ""), match.view_name, match.route)
    if key not in _guest_patterns:
        _guest_patterns[key] = translate_url(path, _OTHER) != path
    return _guest_patterns[key]


def language_context(request) -> dict:
    """Template context (a context processor): `languages`, worked out only if a template
    uses it (the back office's pages do not)."""
    return {"languages": SimpleLazyObject(lambda: _languages(request))}


def _languages(request) -> list[dict]:
    """The switcher's and the search engines' view of the page: each language with the link
    that switches to it and the page's address in it (hreflang alternates)."""
    current = translation.get_language()
    # A page no URL answers (a 404) has no translations: the switcher goes home, and no
    # alternates are named (a path such as //other.host/x must not become a link off-site).
    resolved = getattr(request, "resolver_match", None) is not None
    page = request.get_full_path() if resolved else "/"
    switch = reverse("site-language")
    languages = []
    for code, name in settings.LANGUAGES:
        address = translate_url(page, code)
        languages.append(
            {
                "code": code,
                "name": name,
                "current": code == current,
                "alternate": request.build_absolute_uri(address) if resolved else None,
                "switch": f"{switch}?lang={code}&next={quote(page, safe='/')}",
            }
        )
    return languages
