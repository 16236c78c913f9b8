"""Actions: the list page's "run on the selected items" menu and an item's action buttons.

Declared as in Django (`actions = ("mark_clean",)` with `@admin.action`); the ones a user
may run depend on `allowed_permissions` (see `has_action_permission`). Object actions run
as list actions on a one-item list.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBase, HttpResponseRedirect
from django.utils.text import capfirst


class ActionsMixin:
    def get_actions(self, request) -> dict[str, tuple]:
        """{name: (function, name, description)} of the actions this user may run."""
        return self._permitted_actions(request, self._declared_actions())

    def get_object_actions(self, request, obj) -> dict[str, tuple]:
        """{name: (function, name, description)} of the buttons on `obj`'s page.

        The declared `object_actions` this user may run; override to offer only those
        that fit the item's state. They run as list actions on a one-item list.
        """
        return self._permitted_actions(request, self._declared_actions(self.object_actions))

    def _permitted_actions(self, request, declared: dict[str, tuple]) -> dict[str, tuple]:
        allowed = {}
        for name, (func, description) in declared.items():
            perms = getattr(func, "allowed_permissions", ())
            if all(self.has_action_permission(request, p) for p in perms):
                allowed[name] = (func, name, description)
        return allowed

    def _declared_actions(self, actions=None) -> dict[str, tuple]:
        declared = {}
        for action in self.actions if actions is None else actions:
            func = getattr(type(self), action) if isinstance(action, str) else action
            name = action if isinstance(action, str) else func.__name__
            description = getattr(func, "short_description", capfirst(name.replace("_", " ")))
            declared[name] = (func, description)
        return declared

    def response_action(self, request):
        """Run the action chosen on the list page on the selected items."""
        redirect = HttpResponseRedirect(request.get_full_path())
        name = request.POST.get("action", "")
        declared = self._declared_actions()
        if name not in declared:
            self.message_user(request, "No action selected.", messages.WARNING)
            return redirect
        actions = self.get_actions(request)
        if name not in actions:
            raise PermissionDenied
        selected = request.POST.getlist("_selected_action")
        if not selected:
            self.message_user(
                request,
                "Items must be selected in order to perform actions on them. "
                "No items have been changed.",
                messages.WARNING,
            )
            return redirect
        items = self.get_objects(request, [unquote(s) for s in selected[:100]])
        func = actions[name][0]
        response = func(self, request, items)
        if isinstance(response, HttpResponseBase):
            return response
        return redirect

    def object_action_view(self, request, object_id):
        """Run one of the item's action buttons (POST `action`), then back to its page."""
        object_id = unquote(object_id)
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._missing(request, object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        change_url = self.object_url(object_id)
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        name = request.POST.get("action", "")
        declared = self._declared_actions(self.object_actions)
        if name not in declared:
            self.message_user(request, "No action selected.", messages.WARNING)
            return HttpResponseRedirect(change_url)
        if name not in self._permitted_actions(request, {name: declared[name]}):
            raise PermissionDenied
        func, description = declared[name]
        if name not in self.get_object_actions(request, obj):
            self.message_user(
                request,
                f"“{description}” is not possible for this {self.opts.verbose_name} "
                "in its current state. Nothing was changed.",
                messages.WARNING,
            )
            return HttpResponseRedirect(change_url)
        response = func(self, request, [obj])
        if isinstance(response, HttpResponseBase):
            return response
        return HttpResponseRedirect(change_url)
