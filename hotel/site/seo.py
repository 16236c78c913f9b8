"""What search engines read: the hotel as schema.org data on the home page (JSON-LD `Hotel`
with an `Offer` per room type), a sitemap of the guest pages in every language with their
alternates, and robots.txt (which keeps them out of the back office, the API and the
guests' own booking links)."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from hotel.profile import Profile
from hotel.site.templatetags.guest_prices import with_tax
from hotel.templatetags.money import money_major

# json_script's escapes: the data cannot close its <script> element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
# The guest pages a search engine should know, by URL name (each in every language).
SITEMAP_PAGES = ("home", "site-search", "booking-find")


def hotel_json_ld(request, profile: Profile, room_types: list[dict]) -> str:
    """The hotel as schema.org JSON-LD (escaped for a <script type="application/ld+json">)."""
    home = request.build_absolute_uri(reverse("home"))
    data = {
        "@context": "https://schema.org",
        "@type": "Hotel",
        "name": profile.name,
        "url": home,
        "description": profile.description or None,
        "telephone": profile.phone or None,
        "email": profile.email or None,
        "address": (
            {"@type": "PostalAddress", "streetAddress": profile.address}
            if profile.address
            else None
        ),
        "checkinTime": profile.check_in_from,
        "checkoutTime": profile.check_out_until,
        "amenityFeature": [
            {"@type": "LocationFeatureSpecification", "name": name, "value": True}
            for name in profile.facilities
        ]
        or None,
        "image": [
            request.build_absolute_uri(t["photos"][0]["original"])
            for t in room_types
            if t["photos"]
        ]
        or None,
        "makesOffer": [
            {
                "@type": "Offer",
                "name": t["name"],
                "description": t["description"] or None,
                "price": money_major(with_tax(t["basePrice"]), t["currency"]),
                "priceCurrency": t["currency"],
                "url": request.build_absolute_uri(
                    reverse("site-search") + f"?room_type={t['code']}"
                ),
            }
            for t in room_types
            if t.get("basePrice") is not None
        ],
    }
    data = {key: value for key, value in data.items() if value is not None}
    return json.dumps(data, ensure_ascii=False).translate(_ESCAPES)


@require_safe
def sitemap(request):
    """`/sitemap.xml`: each guest page in each language, with its alternates (hreflang)."""
    urls = []
    for name in SITEMAP_PAGES:
        addresses = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                addresses[code] = request.build_absolute_uri(reverse(name))
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{code}" href="{href}"/>'
            for code, href in addresses.items()
        )
        urls += [f"<url><loc>{href}</loc>{alternates}</url>" for href in addresses.values()]
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">' + "".join(urls) + "</urlset>\n"
    )
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def robots(request):
    """`/robots.txt`: the guest pages yes; the back office, the API and booking links no."""
    prefixes = ["", *(f"/{c}" for c, _ in settings.LANGUAGES if c != settings.LANGUAGE_CODE)]
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /language",
        *(f"Allow: {prefix}/booking/find" for prefix in prefixes),
        *(
            f"Disallow: {prefix}/{part}/"
            for prefix in prefixes
            for part in ("booking", "reservation")
        ),
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
