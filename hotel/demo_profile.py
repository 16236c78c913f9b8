"""The demo hotel's page for `make run` (seed_demo): words in every guest language, three
photos and a map image (hotel/demo_photos). Idempotent: a hotel page already saved is left
as it is."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from django.core.files import File

from .profile import profile_item, profile_save, profile_stand_in
from .profile_media import profile_media_save

PHOTOS = Path(__file__).resolve().parent / "demo_photos"


def seed_demo_profile(*, now: datetime, log=print) -> bool:
    """Save the demo hotel page with its photos unless one exists; True if it was made."""
    if profile_item(cached=False) is not None:
        log("demo hotel page already there")
        return False
    demo = json.loads((PHOTOS / "profile.json").read_text(encoding="utf-8"))
    page = {**profile_stand_in(), **demo["page"]}
    item = profile_save(data=page, version=None, actor="demo-seed", now=now)
    files = [open(PHOTOS / name, "rb") for name, _words in demo["photos"]]  # noqa: SIM115
    map_name, map_words = demo["map"]
    try:
        with open(PHOTOS / map_name, "rb") as map_file:
            item = profile_media_save(
                version=item.version,
                order=[],
                words={},
                uploads=[File(fh, name=Path(fh.name).name) for fh in files],
                map_upload=File(map_file, name=map_name),
                map_words=map_words,
                actor="demo-seed",
                now=now,
            )
    finally:
        for fh in files:
            fh.close()
    words = {name: w for name, (_file, w) in zip(item.photos, demo["photos"], strict=True)}
    profile_media_save(version=item.version, order=list(item.photos), words=words, uploads=[],
                       actor="demo-seed", now=now)  # fmt: skip
    log("demo hotel page created, with 3 photos and a map")
    return True
