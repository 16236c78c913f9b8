"""Build the Lambda zip offline: `make package` (or `python -m infra.package --stage prod`).

1. A lean, runtime-only virtualenv under build/.lambda-venv: requirements/lambda.txt
   (base.txt + the four packages Zappa's handler imports) installed with --no-deps, so no
   test or development package (pytest, localstripe, playwright, Zappa's CLI dependencies)
   can reach the zip. Pruned: botocore's API models to the services the app calls, Pillow to
   its core and WebP, translations to the site's languages, Django's unused batteries and
   relational backends, C sources, compiled speed-ups that have a pure-Python twin.
   Rebuilt only when the requirements change (a hash in build/.lambda-venv/.key).
2. collectstatic into STATIC_ROOT (`staticfiles/`, packaged): hashed names and their
   manifest (unhashed originals and source maps pruned). With --static-bucket (or
   HOTEL_STATIC_BUCKET) the files go to S3 instead (credentials needed) and only the
   manifest stays local.
3. The IAM policies of the stage rendered from infra/iam/*.json (Zappa reads
   `attach_policy` even to package), see infra/iam.py.
4. `zappa package <stage>` run by the development venv's Zappa with VIRTUAL_ENV pointing at
   the lean venv (Zappa packs the venv it is told about, not the one it runs in), with
   `use_precompiled_packages: false`, so nothing is downloaded.
5. Bytecode for the cold start (`add_bytecode`), for stages without SnapStart (a SnapStart
   stage imports once per published version, when the snapshot is taken): the zip is
   unpacked, its handler imported the way Lambda's init does (isolated interpreter, nothing
   else importable, no network), and every module that import loaded gets its
   `__pycache__/*.cpython-XY.pyc` added to the zip, with every module of the project's own
   packages (unchecked-hash: Lambda's read-only /var/task could not write them, so without
   them every cold start compiled ~1,000 modules again: import 3.7 s -> 1.2 s on this
   machine, +6 MB zipped). Library modules first used later (PDF, Stripe, CSV) stay
   source-only.

The zip lands in build/package/<stage>-<hash>.zip, the hash covering the requirements and
every packaged source file, so an unchanged tree reuses it (the deploy tests rely on that).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
# Hidden on purpose: Zappa scans the project for `zappa.websocket` imports (and would find
# its own handler inside a visible venv) but skips hidden directories.
LEAN_VENV = BUILD / ".lambda-venv"
PACKAGES = BUILD / "package"
STATIC_ROOT = REPO / "staticfiles"
REQUIREMENTS = [REPO / "requirements/base.txt", REPO / "requirements/lambda.txt"]
# What goes into the zip from the repository (zappa_settings.json's exclude lists the rest).
# (The zip's name digests these; locale/ holds the guest site's compiled catalogs, .mo.)
SOURCE_ROOTS = ["manage.py", "hotel", "rooms", "bookings", "payments", "templates", "locale"]
SOURCE_SUFFIXES = {
    *(".py", ".html", ".txt", ".css", ".js", ".json", ".svg", ".png", ".jpg", ".ttf", ".mo"),
}
# botocore API models the app needs: DynamoDB (PynamoDB), EventBridge (hotel.events), SES
# (django-ses), S3 (django-storages), Secrets Manager (hotel.secrets), and the credential
# chain's STS/SSO. Everything else in botocore/data (about 25 MB) is removed.
BOTOCORE_SERVICES = {
    "dynamodb",
    "events",
    "ses",
    "sesv2",
    "s3",
    "secretsmanager",
    "sts",
    "sso",
    "sso-oidc",
}


# pip repeats this for every package when a pip config names a missing find-links directory.
PIP_NOISE = "WARNING: Location "


def run(cmd: list[str], *, noise: str | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run `cmd`, failing on a non-zero exit; with `noise` (and stderr piped), print the
    command's stderr without the lines that start with it."""
    done = subprocess.run(cmd, **kwargs)
    if noise is not None and done.stderr:
        kept = [line for line in done.stderr.splitlines() if not line.startswith(noise)]
        if kept:
            print("\n".join(kept), file=sys.stderr)
    done.check_returncode()
    return done


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256(sys.version.encode())
    for path in paths:
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def source_files() -> list[Path]:
    files = []
    for root in SOURCE_ROOTS:
        path = REPO / root
        if path.is_file():
            files.append(path)
            continue
        for file in sorted(path.rglob("*")):
            if (
                file.is_file()
                and "__pycache__" not in file.parts
                and file.suffix in SOURCE_SUFFIXES
            ):
                files.append(file)
    return files


def package_key(stage: str) -> str:
    """A hash of everything that decides the zip's content."""
    extra = [REPO / "zappa_settings.json", Path(__file__)]
    return f"{stage}-{_digest(REQUIREMENTS + extra + source_files())}"


def lean_venv(*, quiet: bool = True) -> Path:
    """Create (or reuse) build/lambda-venv with requirements/lambda.txt only."""
    key = _digest([*REQUIREMENTS, Path(__file__)])  # the pruning is part of it
    stamp = LEAN_VENV / ".key"
    if stamp.exists() and stamp.read_text() == key:
        return LEAN_VENV
    shutil.rmtree(LEAN_VENV, ignore_errors=True)
    # The development venv's own Python: the zip's compiled wheels (Pillow, …) are for it;
    # build() refuses to package for a stage whose runtime names another version.
    run([sys.executable, "-m", "venv", "--without-pip", str(LEAN_VENV)])
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(LEAN_VENV / "bin/python"),
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--no-deps",
            "--no-compile",
            *(["--quiet"] if quiet else []),
            "-r",
            str(REPO / "requirements/lambda.txt"),
        ],
        stderr=subprocess.PIPE,
        text=True,
        noise=PIP_NOISE,
    )
    site = site_packages(LEAN_VENV)
    prune_botocore(site)
    prune_fonttools(site)
    prune_pillow(site)
    prune_locales(site)
    prune_django(site)
    prune_build_sources(site)
    prune_stripe(site)
    # What the pruning kept must still work: Pillow's core and WebP (hotel/images.py checks
    # an upload, turns it upright and writes its resized WebP copies).
    run([str(LEAN_VENV / "bin/python"), "-I", "-c", PRUNED_IMPORTS])
    stamp.write_text(key)
    return LEAN_VENV


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def prune_botocore(site: Path) -> None:
    data = site / "botocore" / "data"
    for entry in data.iterdir():
        if entry.is_dir() and entry.name not in BOTOCORE_SERVICES:
            shutil.rmtree(entry)


def prune_fonttools(site: Path) -> None:
    """Drop fontTools' compiled speed-ups (12 MB; each has its pure-Python module beside it,
    which fontTools falls back to). fpdf2 only subsets the invoices' TTF fonts with it."""
    for compiled in (site / "fontTools").rglob("*.so"):
        if compiled.with_name(compiled.name.split(".", 1)[0] + ".py").exists():
            compiled.unlink()


# Pillow's extension modules the product does not use (AVIF, FreeType text, colour
# management, Tk, ImageMath, ImageMorph) and the libraries only they load: 4 MB zipped.
# hotel/images.py identifies JPEG, PNG, GIF and WebP uploads and writes WebP copies with the
# core and _webp.
PILLOW_UNUSED = (
    "_avif",
    "_imagingft",
    "_imagingcms",
    "_imagingtk",
    "_imagingmath",
    "_imagingmorph",
)
PILLOW_UNUSED_LIBS = (
    "libavif", "libfreetype", "libharfbuzz", "libpng16", "libbrotlidec", "libbrotlicommon",
    "liblcms2",
)  # fmt: skip
# Translations kept: the languages the guest site speaks (English, German, French, Spanish);
# the others' catalogues are 3 MB zipped.
KEPT_LANGUAGES = ("en", "de", "fr", "es")
# Django's batteries nothing imports (sites and admindocs stay: auth, the admin and DRF use
# them), and
# the relational database backends (there is no relational database).
DJANGO_UNUSED = (
    "contrib/flatpages", "contrib/gis", "contrib/humanize",
    "contrib/postgres", "contrib/redirects", "contrib/sitemaps",
    "contrib/syndication", "db/backends/mysql", "db/backends/oracle", "db/backends/postgresql",
)  # fmt: skip
# JSON Schema validation (jsonschema and what it needs): drf-spectacular imports it only to
# validate a schema (`manage.py spectacular --validate`, the tests), never to serve one.
SCHEMA_VALIDATION = (
    "jsonschema", "jsonschema_specifications", "referencing", "rpds", "attr", "attrs",
)  # fmt: skip
PRUNED_IMPORTS = (
    "import PIL._imaging, PIL._webp, django.conf.locale.de.formats, fpdf, yaml, io\n"
    "from PIL import Image, ImageOps\n"  # what hotel/images.py does with an upload:
    "b = io.BytesIO(); Image.new('RGB', (64, 40)).save(b, 'JPEG'); b.seek(0)\n"
    "i = ImageOps.exif_transpose(Image.open(b)); i.load()\n"
    "i.resize((32, 20), Image.Resampling.LANCZOS).save(io.BytesIO(), 'WEBP', quality=80)\n"
    # Stripe without stripe.params: the client and every service payments/providers calls.
    "import stripe; c = stripe.StripeClient('sk_test_build', http_client=stripe.RequestsClient())\n"
    "[c.v1.payment_intents, c.v1.payment_methods, c.v1.tokens, c.v1.customers.payment_sources,\n"
    " c.v1.setup_intents, c.v1.refunds, stripe.WebhookSignature, stripe.CardError]\n"
    "stripe.PaymentIntent.construct_from({'id': 'pi_1', 'status': 'succeeded'}, 'k').status"
)


def prune_stripe(site: Path) -> None:
    """Stripe's `stripe.params`: 840 TypedDicts describing request parameters (1 MB zipped,
    a sixth of the package's files), which the library imports only for type checkers. The
    build refuses to drop them if a module of it imports them at run time."""
    package = site / "stripe"
    found = runtime_imports(package, "stripe.params", skip=package / "params")
    if found:
        raise SystemExit(f"stripe imports stripe.params at run time ({found[0]}): not pruned")
    shutil.rmtree(package / "params", ignore_errors=True)


def runtime_imports(package: Path, module: str, *, skip: Path) -> list[str]:
    """Where the modules of `package` (but those under `skip`) import `module` or a module
    under it outside an `if TYPE_CHECKING:` block: "path:line" each."""
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.is_relative_to(skip):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if any(name == module or name.startswith(module + ".") for name in names):
                found.append(f"{path.relative_to(package.parent)}:{node.lineno}")
    return found


def prune_pillow(site: Path) -> None:
    for module in PILLOW_UNUSED:
        for compiled in (site / "PIL").glob(f"{module}.*.so"):
            compiled.unlink()
    for lib in (site / "pillow.libs").iterdir():
        if lib.name.startswith(tuple(f"{name}-" for name in PILLOW_UNUSED_LIBS)):
            lib.unlink()


def prune_locales(site: Path) -> None:
    """Every package's `locale/<language>` directory but the kept languages' (and their
    regional variants: es_AR falls back to es, and is kept with it)."""
    for locale in site.rglob("locale"):
        if not locale.is_dir():
            continue
        for language in locale.iterdir():
            if language.is_dir() and language.name.split("_")[0] not in KEPT_LANGUAGES:
                shutil.rmtree(language)


def prune_django(site: Path) -> None:
    for part in DJANGO_UNUSED:
        shutil.rmtree(site / "django" / part, ignore_errors=True)
    for package in SCHEMA_VALIDATION:
        shutil.rmtree(site / package, ignore_errors=True)
    # PyYAML's optional libyaml binding (0.8 MB): the pure-Python parser serves
    # export_cloudformation and drf-spectacular's YAML alike.
    for compiled in (site / "yaml").glob("_yaml.*.so"):
        compiled.unlink()


def prune_build_sources(site: Path) -> None:
    """C and Cython sources shipped beside compiled modules (fontTools, rpds, …)."""
    for pattern in ("*.c", "*.h", "*.pyx", "*.pxd"):
        for source in site.rglob(pattern):
            source.unlink()


_COLLECT = """
import os, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

storages = dict(settings.STORAGES)
if not os.environ.get("HOTEL_STATIC_BUCKET"):
    storages["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    }
with override_settings(STATIC_ROOT=sys.argv[1], STORAGES=storages):
    call_command("collectstatic", interactive=False, clear=True, verbosity=0)
"""


def collect_static(static_bucket: str | None = None) -> None:
    """collectstatic with hashed names: into STATIC_ROOT, or to S3 (manifest kept local)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOTEL_", "DJANGO_"))}
    env.update(HOTEL_STAGE="local", DJANGO_SETTINGS_MODULE="hotel.settings")
    if static_bucket:
        env["HOTEL_STATIC_BUCKET"] = static_bucket
    shutil.rmtree(STATIC_ROOT, ignore_errors=True)
    STATIC_ROOT.mkdir(parents=True)
    run([sys.executable, "-c", _COLLECT, str(STATIC_ROOT)], env=env, cwd=REPO)
    if not static_bucket:
        prune_static(STATIC_ROOT)


def prune_static(root: Path) -> None:
    """Keep what a deployed page can ask for: the hashed copies and the manifest.

    Templates only ever link hashed names (`{% static %}` reads the manifest), so the
    unhashed originals are dead weight in the zip, and so are source maps (several MB of
    Swagger UI and Redoc maps that only browser developer tools fetch) and the browsable
    API's files.
    """
    manifest = json.loads((root / "staticfiles.json").read_text())
    for name, hashed in manifest["paths"].items():
        if name != hashed:
            (root / name).unlink(missing_ok=True)
    for source_map in root.rglob("*.map"):
        source_map.unlink()
    # DRF's own CSS, JavaScript and fonts serve only its browsable API, which is off (the API
    # renders JSON only): nothing links them. 0.4 MB zipped.
    shutil.rmtree(root / "rest_framework", ignore_errors=True)
    manifest["paths"] = {
        name: hashed
        for name, hashed in manifest["paths"].items()
        if not name.startswith("rest_framework/")
    }
    (root / "staticfiles.json").write_text(json.dumps(manifest))


def zappa_package(stage: str, output: Path) -> Path:
    """Run `zappa package` against the lean venv; return the zip."""
    zappa = Path(sys.executable).parent / "zappa"
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(LEAN_VENV)
    env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".tmp.zip")
    tmp.unlink(missing_ok=True)
    run(
        [str(zappa), "package", stage, "-o", str(tmp.relative_to(REPO))],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    tmp.replace(output)
    return output


TRACE = """
import json, os, sys
sys.path.insert(0, os.getcwd())
import hotel.awslambda  # noqa: F401 - inside "Lambda": warm_up runs, as in the init phase
import hotel.secrets  # noqa: F401 - a deployed stage reads its secrets at init
root = os.getcwd() + os.sep
files = sorted({m.__file__ for m in list(sys.modules.values())
                if (getattr(m, "__file__", None) or "").startswith(root)
                and m.__file__.endswith(".py")})
print(json.dumps(files))
"""


def init_modules(task: Path) -> list[Path]:
    """The package's source files that Lambda's init phase imports (see TRACE)."""
    import runpy

    from infra.lambda_local import override_zappa_settings, runtime_env

    # The stage's own settings, so the same modules load, but no AWS: stand-in secrets
    # instead of the Secrets Manager read (hotel.secrets is imported by TRACE itself) and an
    # unreachable DynamoDB (the init makes the client and sends nothing).
    variables = dict(runpy.run_path(str(task / "zappa_settings.py"))["ENVIRONMENT_VARIABLES"])
    variables.pop("HOTEL_SECRETS_ID", None)
    variables |= {
        "DYNAMODB_ENDPOINT": "http://127.0.0.1:9",
        "DJANGO_SECRET_KEY": "bytecode-trace-only",
        "STRIPE_SECRET_KEY": "sk_test_bytecode_trace",
        "STRIPE_WEBHOOK_SECRET": "whsec_bytecode_trace",
    }
    override_zappa_settings(task, ENVIRONMENT_VARIABLES=variables)
    env = runtime_env(home=task.parent) | {"LAMBDA_TASK_ROOT": str(task)}
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", TRACE], cwd=task, env=env, capture_output=True, text=True
    )
    if done.returncode:
        print(done.stderr, file=sys.stderr)
        done.check_returncode()
    # zappa_settings.py stays source only: it was just rewritten for this run, and the bench
    # and the deploy tests rewrite it again (an unchecked .pyc would shadow their edits).
    traced = {Path(line) for line in json.loads(done.stdout.strip().splitlines()[-1])}
    # The project's own modules all (a few hundred KB): what a first request, an error page
    # or a job imports after the init is ours more often than a library's.
    ours = {path for root in SOURCE_ROOTS[1:] for path in (task / root).rglob("*.py")}
    return sorted(path for path in traced | ours if path != task / "zappa_settings.py")


def add_bytecode(zip_path: Path) -> int:
    """Add the bytecode of every module the init imports to `zip_path`; return how many."""
    import importlib.util
    import py_compile
    import tempfile

    with tempfile.TemporaryDirectory(prefix="hotel-pyc-") as tmp:
        task = Path(tmp) / "task"
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(task)
        sources = init_modules(task)
        with zipfile.ZipFile(zip_path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            for source in sources:
                cached = Path(importlib.util.cache_from_source(str(source)))
                py_compile.compile(
                    str(source),
                    cfile=str(cached),
                    doraise=True,
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                )
                archive.write(cached, cached.relative_to(task).as_posix())
    return len(sources)


def build(stage: str = "dev", *, force: bool = False, static_bucket: str | None = None) -> Path:
    """The packaged zip for `stage`, built now or reused when nothing changed.

    Builds are serialised by a lock file: test workers or several people's test runs in one
    checkout share build/ and staticfiles/.
    """
    import fcntl

    from infra import iam

    BUILD.mkdir(exist_ok=True)
    with open(BUILD / ".package.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        runtime = iam.zappa_stage(stage)["runtime"]
        here = f"python{sys.version_info.major}.{sys.version_info.minor}"
        if runtime != here:
            raise SystemExit(
                f"The {stage} stage runs {runtime} but this venv is {here}: the zip's compiled "
                f"libraries and bytecode would not load there. Build with {runtime} "
                "(make: PYTHON=...) or change the stage's runtime."
            )
        output = PACKAGES / f"{package_key(stage)}.zip"
        if output.exists() and not force and not static_bucket:
            return output
        lean_venv()
        collect_static(static_bucket)
        # Zappa reads attach_policy even to package. Render it with the deployer's account;
        # never overwrite one already rendered with a placeholder account (a test run).
        policy = REPO / iam.zappa_stage(stage)["attach_policy"]
        if os.environ.get("HOTEL_AWS_ACCOUNT_ID") or not policy.exists():
            iam.render_stage(stage)
        for old in PACKAGES.glob(f"{stage}-*.zip"):
            old.unlink()
        zip_path = zappa_package(stage, output.with_suffix(".nopyc.zip"))
        if not snap_start(stage):
            add_bytecode(zip_path)
        return zip_path.replace(output)


def snap_start(stage: str) -> bool:
    """Does `stage` run from SnapStart snapshots? Then its init (imports included) runs once
    per published version, and restored copies import nothing: bytecode would add 6 MB to
    the zip and save nothing after the deployment."""
    from infra import iam

    return iam.zappa_stage(stage).get("snap_start", "None") != "None"


def sizes(zip_path: Path) -> tuple[int, int]:
    """(zipped, unzipped) bytes."""
    with zipfile.ZipFile(zip_path) as archive:
        return zip_path.stat().st_size, sum(i.file_size for i in archive.infolist())


def largest(zip_path: Path, top: int = 8) -> list[tuple[str, int]]:
    """The top-level entries of the zip that take the most compressed bytes."""
    totals: dict[str, int] = {}
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            head = info.filename.split("/", 1)[0]
            totals[head] = totals.get(head, 0) + info.compress_size
    return sorted(totals.items(), key=lambda kv: -kv[1])[:top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default=os.environ.get("STAGE", "dev"))
    parser.add_argument("--force", action="store_true", help="rebuild even if unchanged")
    parser.add_argument(
        "--static-bucket",
        default=os.environ.get("HOTEL_STATIC_BUCKET") or None,
        help="upload static files to this S3 bucket (needs AWS credentials)",
    )
    args = parser.parse_args(argv)
    path = build(args.stage, force=args.force, static_bucket=args.static_bucket)
    zipped, unzipped = sizes(path)
    print(
        f"{path.relative_to(REPO)}: {zipped / 1e6:.1f} MB zipped, {unzipped / 1e6:.1f} MB unzipped"
    )
    print("largest: " + ", ".join(f"{n} {b / 1e6:.1f} MB" for n, b in largest(path)))
    print(json.dumps({"zipped": zipped, "unzipped": unzipped}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
