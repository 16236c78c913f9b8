"""Static files on S3 with hashed names, their manifest shipped inside the Lambda package.

`collectstatic` (run by `make package` with HOTEL_STATIC_BUCKET set, or documented in
docs/deployment.md) uploads every file under `static/` in the bucket with a content hash in
its name and `Cache-Control: public, max-age=31536000, immutable`; CloudFront serves them.
The manifest (`staticfiles.json`, name → hashed name) is written to STATIC_ROOT on the build
machine, which the package includes, so `{% static %}` never reads S3 at cold start.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3ManifestStaticStorage

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
_HASHED = re.compile(r"\.[0-9a-f]{12}\.[^./]+$")


class S3HashedStaticStorage(S3ManifestStaticStorage):
    """S3ManifestStaticStorage whose manifest lives in the package (STATIC_ROOT), not in S3."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("manifest_storage", FileSystemStorage(location=settings.STATIC_ROOT))
        super().__init__(*args, **kwargs)

    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        # Unhashed copies (site.css next to site.1a2b3c4d5e6f.css) are what old pages or
        # third parties may link to: they change in place, so they get a short lifetime.
        params["CacheControl"] = IMMUTABLE if is_hashed_name(name) else SHORT
        return params


def is_hashed_name(name: str) -> bool:
    """True for ManifestFilesMixin's hashed copies: `name.<12 hex digits>.ext`."""
    return bool(_HASHED.search(name))
