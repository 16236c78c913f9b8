"""SnapStart's runtime hooks (hotel/snapstart.py) and the one DynamoDB client they rely on."""

from __future__ import annotations

import json
import os
import random

import snapshot_restore_py

from hotel import dynamo, snapstart
from rooms.models import Room
from tests.helpers import fresh_python


def test_every_table_shares_one_dynamodb_client():
    # One client for every table (dynamo.connection() itself may have been replaced by a test
    # that points it at an unreachable endpoint and back).
    models = dynamo.registered_models()
    assert len(models) > 30
    clients = {id(model._get_connection().connection.client) for model in models}
    assert len(clients) == 1


def test_the_hooks_are_registered_with_the_runtime_library():
    before = [fn for fn, _args, _kwargs in snapshot_restore_py.get_before_snapshot()]
    after = [fn for fn, _args, _kwargs in snapshot_restore_py.get_after_restore()]
    assert snapstart.before_snapshot in before
    assert snapstart.refresh in after


def _draw_in_forks(hook, count=3) -> set[int]:
    """What `count` forks of this process draw from `random` after running `hook`."""
    random.seed(1234)
    frozen = random.getstate()  # what a snapshot freezes
    drawn = set()
    for _ in range(count):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child (coverage does not follow forks)
            os.close(read)
            # CPython reseeds `random` in a forked child; a restored snapshot is not a fork
            # and keeps the frozen state.
            random.setstate(frozen)
            hook()
            os.write(write, json.dumps(random.getrandbits(64)).encode())
            os._exit(0)
        os.close(write)
        os.waitpid(pid, 0)
        with os.fdopen(read) as pipe:
            drawn.add(json.loads(pipe.read()))
    return drawn


def test_restored_copies_draw_their_own_random_numbers():
    assert len(_draw_in_forks(lambda: None)) == 1  # the hazard: one sequence for every copy
    assert len(_draw_in_forks(snapstart.refresh)) == 3


def test_dropping_pooled_connections_leaves_the_client_usable(make_room):
    make_room(roomId="R-POOL")
    Room.get("R-POOL")
    manager = Room._get_connection().connection.client._endpoint.http_session._manager
    assert len(manager.pools) >= 1  # the GetItem's connection is pooled
    assert snapstart.drop_pooled_connections() >= 1
    assert len(manager.pools) == 0
    assert Room.get("R-POOL").roomId == "R-POOL"  # reconnects on the next call


def test_prime_loads_what_a_snapstart_init_can_prepare(monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")
    assert snapstart.snapstart_init()
    snapstart.prime()  # compiles the URL patterns, loads templates: must not raise
    from django.urls import get_resolver

    assert snapstart._compile_url_patterns(get_resolver()) > 100
    assert [fn.__module__ for fn in snapstart._primers] == ["payments.apps"]  # its provider
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
    assert not snapstart.snapstart_init()


PRIME_ROUTES = """
import json
import django
django.setup()
from django.urls import get_resolver
from hotel import snapstart
resolver = get_resolver()
resolver.url_patterns
before = sorted(resolver._reverse_dict)
first = snapstart.prime_routes()
after_first = sorted(resolver._reverse_dict)
every = snapstart.prime_routes(every_language=True)
print(json.dumps([before, first, after_first, every, sorted(resolver._reverse_dict)]))
"""


def test_init_fills_the_reverse_table_the_first_request_would_have_built():
    """hotel.awslambda.warm_up: Django builds a resolver's reverse table per language on the
    first reverse() in it; the API's first GET reverses into German (hotel.site.language),
    so init builds that one, and a SnapStart init every language's."""
    done = fresh_python(PRIME_ROUTES, HOTEL_STAGE="test")
    assert done.returncode == 0, done.stderr[-3000:]
    before, first, after_first, every, after_every = json.loads(done.stdout.splitlines()[-1])
    assert before == [] and first == ["de"] and after_first == ["de"]
    assert every == ["en", "de", "fr", "es"] and after_every == ["de", "en", "es", "fr"]
