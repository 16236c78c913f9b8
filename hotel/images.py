"""Photos guests see: checked before anything is stored, stored with resized copies, described
per language, shown as responsive images.

An upload is checked first (type, size, a readable image, a sane pixel count: image_validate).
image_store then saves the original through the default storage (S3 in the cloud) and, for
each width of WIDTHS narrower than the original, a WebP copy beside it (`…-960w.webp`), so a
phone downloads a 480 px copy, not a 5 MB original. What is stored about one photo is a small
dict kept by its owner (a room type's `gallery`, the hotel page's), keyed by the original's
storage name:

    {"w": 1600, "h": 1000, "v": {"480": "…-480w.webp", "960": "…-960w.webp"},
     "alt": {"en": "The bed by the window", "de": …}, "caption": {"en": …}}

photo_view turns it into what a template needs in the active language: the URL, `srcset`,
the size (no layout shift), the alt text and caption (falling back to the default language).
Pillow is imported on first use only: a cold start that shows pages never loads it.
"""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from hotel.errors import ValidationFailed
from hotel.languages import active_language

logger = logging.getLogger(__name__)

PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
WIDTHS = (480, 960, 1600)  # a phone, a phone at 2x or a desktop column, a wide screen
WEBP_QUALITY = 80
FULL_DECODE_PIXELS = 40_000_000  # non-JPEG uploads: decoded whole before resizing
ALT_MAX = 160
CAPTION_MAX = 200


def image_validate(upload, field: str = "photo") -> str:
    """Check an upload is a photo the hotel takes; return its file suffix.

    Type, size, a readable image and a sane pixel count (a PNG may declare 40,000 x 40,000
    in a few bytes: Pillow's decompression-bomb limit, Image.MAX_IMAGE_PIXELS). Reads only
    the header and verifies the file; nothing is written. Raises ValidationFailed on `field`.
    """
    suffix = PurePosixPath(upload.name or "").suffix.lower()
    if suffix not in PHOTO_TYPES:
        raise ValidationFailed(details={"fields": {field: ["Upload a JPEG, PNG or WebP image."]}})
    if upload.size > settings.ROOM_PHOTO_MAX_BYTES:
        raise ValidationFailed(details={"fields": {field: ["The photo is larger than 5 MB."]}})
    _check_image(upload, field)
    return suffix


def _check_image(upload, field: str) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Above MAX_IMAGE_PIXELS Pillow only warns (an error from twice that): refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                # A JPEG is resized from a reduced decode (image_store); other formats are
                # decoded whole, so they get a tighter cap (40 Mpx: 160 MB decoded).
                cap = Image.MAX_IMAGE_PIXELS if image.format == "JPEG" else FULL_DECODE_PIXELS
                if width * height > cap:
                    raise Image.DecompressionBombError(f"{width} x {height} pixels")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationFailed(
            details={"fields": {field: ["The image has too many pixels for a room photo."]}}
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationFailed(
            details={"fields": {field: ["The file is not a readable image."]}}
        ) from exc
    finally:
        upload.seek(0)


def image_store(upload, *, stem: str, suffix: str, field: str = "photo") -> tuple[str, dict]:
    """Save a checked upload as `<stem><suffix>` and its narrower WebP copies; return (the
    original's storage name, its stored facts: size and copies). A file that turns out not
    to decode (a cut-off JPEG passes Pillow's verify) raises ValidationFailed on `field`.
    On any failure nothing stays stored."""
    from PIL import Image

    name = default_storage.save(f"{stem}{suffix}", upload)
    saved = [name]
    try:
        upload.seek(0)
        try:
            image, width, height = _decode(upload)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            raise ValidationFailed(
                details={"fields": {field: ["The file is not a readable image."]}}
            ) from exc
        variants = {}
        for target in WIDTHS:
            if target >= width:
                break
            copy = image.resize((target, round(height * target / width)), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            copy.save(out, "WEBP", quality=WEBP_QUALITY, method=4,
                      icc_profile=image.info.get("icc_profile"))  # fmt: skip
            stored = default_storage.save(f"{stem}-{target}w.webp", ContentFile(out.getvalue()))
            saved.append(stored)
            variants[str(target)] = stored
        return name, {"w": width, "h": height, "v": variants}
    except Exception:
        _delete_all(saved)
        raise
    finally:
        upload.seek(0)


def _decode(upload):
    """(the image upright, in RGB or RGBA with its colour profile; the original's upright
    width and height). A JPEG is decoded at the smallest 1/2, 1/4 or 1/8 scale still at
    least as large as the widest copy: a 24-megapixel photo takes 18 MB to resize, not 72."""
    from PIL import Image, ImageOps

    with Image.open(upload) as opened:
        width, height = opened.size
        if opened.getexif().get(0x0112) in (5, 6, 7, 8):  # EXIF: turned a quarter
            width, height = height, width
        icc = opened.info.get("icc_profile")
        opened.draft("RGB", (WIDTHS[-1], WIDTHS[-1]))
        image = ImageOps.exif_transpose(opened)  # a phone's portrait photo stands upright
        image.load()
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    elif image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    if icc:
        image.info["icc_profile"] = icc  # iPhone photos are Display P3: keep their colours
    return image, width, height


def image_delete(name: str, facts: dict | None) -> None:
    """Remove a photo and its copies from storage (each tried, whatever the others do)."""
    _delete_all([name, *((facts or {}).get("v") or {}).values()])


def _delete_all(names: list[str]) -> None:
    for stored in names:
        try:
            default_storage.delete(stored)
        except Exception:  # a file left behind is logged, never fatal
            logger.exception("Could not delete %s from storage", stored)


def words_clean(given, *, field: str) -> tuple[dict, dict]:
    """A photo's alt text and caption per language, checked: `given` {"alt": {"en": …, "de":
    …}, "caption": {…}}. Returns (the words without empty ones, errors keyed
    `<field>.alt.de`)."""
    clean: dict = {}
    errors: dict = {}
    given = given if isinstance(given, dict) else {}
    codes = [code for code, _name in settings.LANGUAGES]
    for key, limit in (("alt", ALT_MAX), ("caption", CAPTION_MAX)):
        per_language = given.get(key) if isinstance(given.get(key), dict) else {}
        kept = {}
        for code in codes:
            value = " ".join(str(per_language.get(code) or "").split())
            if len(value) > limit:
                errors[f"{field}.{key}.{code}"] = [f"At most {limit} characters."]
            elif value:
                kept[code] = value
        if kept:
            clean[key] = kept
    return clean, errors


def _in_language(words: dict | None, code: str) -> str:
    words = words or {}
    return words.get(code) or words.get(settings.LANGUAGE_CODE) or ""


def photo_view(name: str, facts: dict | None, *, fallback_alt: str = "") -> dict:
    """A stored photo as a template shows it, in the active language: `url` (the widest copy
    up to 960 px, else the original), `srcset` (every copy and the original, by width),
    `width`/`height` (for the page's layout before it loads), `alt` (staff's, else
    `fallback_alt`) and `caption`."""
    facts = facts or {}
    code = active_language()
    original = default_storage.url(name)
    variants = {int(w): default_storage.url(n) for w, n in (facts.get("v") or {}).items()}
    width, height = facts.get("w"), facts.get("h")
    candidates = dict(variants)
    if width:
        candidates[int(width)] = original
    srcset = ", ".join(f"{url} {w}w" for w, url in sorted(candidates.items()))
    medium = [w for w in variants if w <= 960]
    return {
        "name": name,
        "url": variants[max(medium)] if medium else original,
        "original": original,
        "srcset": srcset if len(candidates) > 1 else "",
        "width": width,
        "height": height,
        "alt": _in_language(facts.get("alt"), code) or fallback_alt,
        "caption": _in_language(facts.get("caption"), code),
    }
