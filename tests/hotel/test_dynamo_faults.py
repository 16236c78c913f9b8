"""DynamoDB failing past botocore's retries: an API request answers 503 in the error shape with
Retry-After, a guest page the 503 page — whichever way DynamoDB failed, never a 500.

A fault-injecting proxy (tests/reliability/fault_proxy.py) sits between this process and
DynamoDB Local and spoils every attempt botocore makes (hotel.dynamo.config: 3 in all).
"""

from __future__ import annotations

import pytest

from hotel import dynamo
from rooms.models import Room
from tests.reliability.fault_proxy import FaultProxy, dynamodb_through
from tests.rooms.test_api import assert_error

ATTEMPTS = 3  # botocore's: the first and max_retry_attempts (2) more


@pytest.fixture
def proxy(make_room):
    make_room(roomId="R-1")
    with FaultProxy(dynamo.connection().host) as proxy, dynamodb_through(proxy):
        yield proxy


@pytest.mark.parametrize("fault", ["throughput", "throttling", "drop_before", "drop_after"])
def test_an_api_read_dynamodb_keeps_failing_answers_503_with_retry_after(client, proxy, fault):
    proxy.plan("GetItem", *[fault] * ATTEMPTS, matching=Room.Meta.table_name)
    response = client.get("/api/rooms/R-1")
    assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert response["Retry-After"]
    assert proxy.faults[(fault, "GetItem")] == ATTEMPTS
    assert client.get("/api/rooms/R-1").status_code == 200  # and the next one is served


@pytest.mark.parametrize("fault", ["throttling", "drop_after"])
def test_a_guest_page_dynamodb_keeps_failing_answers_the_503_page(client, proxy, fault):
    proxy.plan("GetItem", *[fault] * ATTEMPTS, matching=Room.Meta.table_name)
    response = client.get("/book/R-1")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert proxy.faults[(fault, "GetItem")] == ATTEMPTS
