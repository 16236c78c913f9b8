"""How an admin names its objects for people.

Mixed into `DynamoModelAdmin`: `object_label` is the name an item goes by in messages
("The rate rule “Weekend +20 % (Fri–Sat)” was changed"), page titles, the history page and
the delete page.
"""

from __future__ import annotations

from pynamodb.models import Model


def has_own_str(obj) -> bool:
    """Whether the model says how it reads; PynamoDB's fallback is a repr of every attribute."""
    return any("__str__" in vars(cls) for cls in type(obj).__mro__ if cls not in (Model, object))


class PresentationMixin:
    def object_label(self, obj) -> str:
        """The name `obj` goes by on pages and in messages: the model's `__str__`, or
        “<verbose name> <id>” when the model does not define one (never a repr dump)."""
        if obj is None:
            return ""
        if has_own_str(obj):
            return str(obj)
        return f"{self.opts.verbose_name} {self.object_id(obj)}"
