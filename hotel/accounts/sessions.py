"""SESSION_ENGINE over DynamoDB: Django's SessionBase contract on a PynamoDB table with TTL."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from django.contrib.sessions.backends.base import CreateError, SessionBase, UpdateError
from django.utils import timezone
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError

from .models import StoredSession


class SessionStore(SessionBase):
    def _get_item(self) -> StoredSession | None:
        if not self.session_key:
            return None
        try:
            item = StoredSession.get(self.session_key)
        except DoesNotExist:
            return None
        # TTL deletion lags (up to days on AWS): expiry is enforced here.
        if item.expiresAt <= timezone.now():
            return None
        return item

    def load(self):
        item = self._get_item()
        if item is None:
            self._session_key = None
            return {}
        return self.decode(item.data)

    def exists(self, session_key):
        try:
            StoredSession.get(session_key, attributes_to_get=["sessionKey"])
        except DoesNotExist:
            return False
        return True

    def create(self):
        while True:
            self._session_key = self._get_new_session_key()
            try:
                self.save(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        expires = timezone.now() + timedelta(seconds=self.get_expiry_age())
        item = StoredSession(sessionKey=self._get_or_create_session_key(), data=self.encode(data))
        item.expiresAt = expires
        try:
            if must_create:
                item.save(condition=StoredSession.sessionKey.does_not_exist())
            else:
                item.save(condition=StoredSession.sessionKey.exists())
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise (CreateError if must_create else UpdateError) from exc
            raise

    def delete(self, session_key=None):
        key = session_key or self.session_key
        if not key:
            return
        with contextlib.suppress(DeleteError):
            StoredSession(sessionKey=key).delete()

    @classmethod
    def clear_expired(cls):
        """DynamoDB's TTL removes expired sessions; nothing to do."""
