"""Found by the crash test: under a threaded server (gunicorn gthread, `runserver`) against
DynamoDB Local, the first transactions of other threads fail with NoCredentialsError -> 500.

`hotel.dynamo.connection()` sets the local credentials with `conn.session.set_credentials`
after building the Connection, but PynamoDB keeps one botocore session per thread: only the
thread that built the connection gets them. Passing `aws_access_key_id` /
`aws_secret_access_key` to `Connection(...)` (as the models' Meta does) fixes it. Lambda is
not affected (one thread, credentials in the environment). The suite's servers run with
AWS_* in their environment (like the Lambda runtime) so the other tests test what they mean to.
"""

from __future__ import annotations

import threading

import pytest

from hotel import dynamo

pytestmark = pytest.mark.reliability


def test_the_shared_connection_has_credentials_in_every_thread(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    connection = dynamo.connection.__wrapped__()  # a fresh one, built like the shared one
    seen = {}

    def other_thread():
        seen["credentials"] = connection.session.get_credentials()

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert seen["credentials"] is not None
