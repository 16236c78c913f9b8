"""The guest site's translation catalogs: `make messages` (docs/languages.md).

    .venv/bin/python -m devtools.messages [--check]

Collects every string marked for translation in what guests read (the guest site's pages
and views, the emails, the error pages, the domain's messages) into
locale/<language>/LC_MESSAGES/django.po for each language of settings.LANGUAGES but English,
keeping the translations already there, then compiles them (.mo, committed: the Lambda
package carries them and needs no gettext). The back office and the API are English and
are left out, so translators see only what a guest can see.

`--check` changes nothing: it collects into a copy and fails if a catalog lacks a string
the code marks, keeps one the code no longer has, has an untranslated or fuzzy entry, or its
.mo is not compiled from it (tests/hotel/test_catalogs.py runs it). Needs GNU gettext
(xgettext, msgmerge, msgfmt: Debian's `gettext`, which `make test` installs).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ("de", "fr", "es")
# Staff's pages and the API: English only, never shown in another language.
IGNORED = [
    ".venv",
    "node_modules",
    "build",
    "staticfiles",
    "tests",
    "bench",
    "devtools",
    "infra",
    "docs",
    "artifacts",
    "locale",
    "templates/admin",
    "hotel/backoffice",
    "hotel/dynamo_admin",
    "hotel/accounts",
    "templates/emails/webhook_disabled.*",
]
# What makemessages reads, copied for --check (it writes next to what it reads).
SOURCES = ["manage.py", "hotel", "rooms", "bookings", "payments", "templates", "locale"]


def _run(args: list[str], cwd: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hotel.settings", "PYTHONPATH": str(cwd)}
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{' '.join(args[:4])} failed")


def collect(root: Path) -> None:
    """makemessages (keeping translations, dropping strings the code no longer has), then
    compile each catalog, in `root`."""
    ignore = [f"--ignore={pattern}" for pattern in IGNORED]
    locales = [f"--locale={code}" for code in LANGUAGES]
    python = sys.executable
    _run(
        [python, "manage.py", "makemessages", *locales, *ignore, "--no-obsolete",
         "--add-location=file", "--no-wrap"],
        root,
    )  # fmt: skip
    for code in LANGUAGES:  # what compilemessages runs, on our catalogs only
        folder = root / "locale" / code / "LC_MESSAGES"
        _run(["msgfmt", "--check-format", "-o", "django.mo", "django.po"], folder)


def catalog_problems(po: Path) -> list[str]:
    """Entries of a .po that a guest would see in English or wrongly: untranslated, fuzzy."""
    problems = []
    for entry in _entries(po.read_text(encoding="utf-8")):
        if not entry["msgid"] and not entry.get("msgid_plural"):
            continue  # the header
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {entry['msgid']!r}")
        elif not all(entry["msgstr"]):
            problems.append(f"untranslated: {entry['msgid']!r}")
    return problems


def _entries(text: str) -> list[dict]:
    """A .po's entries: {"msgctxt"?, "msgid", "msgid_plural"?, "msgstr": [str, …], "flags"}."""
    entries: list[dict] = []
    current: dict | None = None
    field = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            current, field = None, None
            continue
        if current is None:
            current = {"msgid": "", "msgstr": [], "flags": set()}
            entries.append(current)
        if line.startswith("#,"):
            current["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            field = "msgctxt"
            current[field] = _unquote(line[len("msgctxt ") :])
        elif line.startswith("msgid_plural "):
            field = "msgid_plural"
            current[field] = _unquote(line[len("msgid_plural ") :])
        elif line.startswith("msgid "):
            field = "msgid"
            current[field] = _unquote(line[len("msgid ") :])
        elif line.startswith("msgstr"):
            field = "msgstr"
            current["msgstr"].append(_unquote(line.split(" ", 1)[1]))
        elif line.startswith('"') and field:
            if field == "msgstr":
                current["msgstr"][-1] += _unquote(line)
            else:
                current[field] += _unquote(line)
    return entries


def _unquote(value: str) -> str:
    return value.strip()[1:-1].encode().decode("unicode_escape").encode("latin-1").decode()


def check() -> list[str]:
    """What is wrong with the committed catalogs (nothing changed in the repository)."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="hotel-messages-") as tmp:
        copy = Path(tmp)
        for name in SOURCES:
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
            elif source.exists():
                shutil.copy2(source, copy / name)
        collect(copy)
        for code in LANGUAGES:
            committed = REPO / "locale" / code / "LC_MESSAGES"
            fresh = copy / "locale" / code / "LC_MESSAGES"
            if not (committed / "django.po").exists():
                problems.append(f"{code}: no catalog (run make messages)")
                continue
            ours = _messages(committed / "django.po")
            wanted = _messages(fresh / "django.po")
            for msgid in sorted(wanted - ours):
                problems.append(f"{code}: not in the catalog (run make messages): {msgid!r}")
            for msgid in sorted(ours - wanted):
                problems.append(f"{code}: no longer in the code (run make messages): {msgid!r}")
            problems += [f"{code}: {p}" for p in catalog_problems(committed / "django.po")]
            compiled = committed / "django.mo"
            if not compiled.exists() or _compiled(committed / "django.po") != compiled.read_bytes():
                problems.append(f"{code}: django.mo is not compiled from django.po")
    return problems


def _messages(po: Path) -> set[str]:
    """The catalog's strings, each with its context ("cart|Hold this room…")."""
    entries = _entries(po.read_text(encoding="utf-8"))
    return {
        f"{e['msgctxt']}|{e['msgid']}" if "msgctxt" in e else e["msgid"]
        for e in entries
        if e["msgid"]
    }


def _compiled(po: Path) -> bytes:
    with tempfile.NamedTemporaryFile(suffix=".mo") as out:
        subprocess.run(["msgfmt", "--check-format", "-o", out.name, str(po)], check=True)
        return Path(out.name).read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; list problems")
    args = parser.parse_args()
    if args.check:
        problems = check()
        print("\n".join(problems) or "The catalogs are complete and compiled.")
        raise SystemExit(1 if problems else 0)
    collect(REPO)
    for code in LANGUAGES:
        po = REPO / "locale" / code / "LC_MESSAGES" / "django.po"
        left = catalog_problems(po)
        print(f"{po.relative_to(REPO)}: {len(_messages(po))} strings, {len(left)} to translate")


if __name__ == "__main__":
    main()
