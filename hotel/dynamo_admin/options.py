"""`DynamoModelAdmin`: what Django's ModelAdmin does, for a PynamoDB model.

Declarative class attributes with `get_*` hooks, as in `django.contrib.admin.options`.
Writes go through `create_object` / `update_object` / `delete_object`: apps with
services override them; the defaults save with PynamoDB (version-checked) and audit.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from functools import update_wrapper
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.views.generic import RedirectView
from pynamodb.attributes import ListAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist, PynamoDBException, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from hotel.audit.selectors import audit_for_object
from hotel.audit.services import audit_entry
from hotel.dynamo import connection
from hotel.errors import Conflict, DomainError, NotFound, StaleObject

from .changelist import ChangeList
from .filters import AttributeFilter, ListFilter
from .forms import (
    MAX_KEY,
    VERSION_FIELD,
    DynamoForm,
    add_domain_errors,
    build_form_class,
    form_data_for,
    formfield_for_attribute,
    is_editable_attribute,
    label_for,
    normalize_choices,
)
from .params import SEARCH_VAR
from .presentation import PresentationMixin
from .query import key_names
from .rendering import action_label, display_value, format_value, header_for


def who(request) -> dict:
    """The `actor`, `now` and `request_id` arguments every audited service call takes."""
    return {
        "actor": request.user.email,
        "now": timezone.now(),
        "request_id": getattr(request, "request_id", None),
    }


class DynamoOptions:
    """The part of Django's `Model._meta` that the admin's templates and URL names read."""

    def __init__(self, *, app_label, model_name, verbose_name, verbose_name_plural):
        self.app_label = app_label
        self.model_name = model_name
        self.object_name = model_name
        self.verbose_name = verbose_name
        self.verbose_name_plural = verbose_name_plural
        self.app_config = apps.get_app_config(app_label)

    def __str__(self) -> str:
        return f"{self.app_label}.{self.model_name}"


class DynamoModelAdmin(PresentationMixin):
    """Admin options for one PynamoDB model; each app's admin.py subclasses and declares.

    Items go by `object_label(obj)` on pages and in messages (the model's `__str__`).
    """

    model: type[Model] | None = None
    app_label: str | None = None
    model_name: str | None = None
    verbose_name: str | None = None
    verbose_name_plural: str | None = None
    object_type: str | None = None  # the audit log's name for this kind of object

    list_display: tuple = ("__str__",)
    list_filter: tuple = ()
    search_fields: tuple = ()
    search_help_text: str = ""
    list_per_page = 50
    query_forward = True  # index order: ascending range key; False for newest first
    actions: tuple = ()
    object_actions: tuple = ()  # actions also offered as buttons on an item's page

    fields: tuple | None = None
    exclude: tuple = ()
    readonly_fields: tuple = ()
    choices: dict = {}
    labels: dict = {}
    help_texts: dict = {}
    form: type[DynamoForm] = DynamoForm
    audit_exclude: tuple = ()
    empty_value_display = "-"

    change_list_template = "admin/dynamo/change_list.html"
    change_form_template = "admin/dynamo/change_form.html"
    delete_confirmation_template = "admin/dynamo/delete_confirmation.html"
    object_history_template = "admin/dynamo/object_history.html"

    stale_message = (
        "Someone else changed this {name} since you opened it, so your changes were not "
        "saved. Your input is still below: reload the page to see the current version, "
        "then make your changes again."
    )

    def __init__(self, model: type[Model], admin_site):
        self.model = model
        self.admin_site = admin_site
        self.hash_key, self.range_key = key_names(model)
        self.has_object_pages = self.range_key is None
        app_label = self.app_label or apps.get_containing_app_config(model.__module__).label
        model_name = self.model_name or model.__name__.lower()
        verbose_name = self.verbose_name or label_for(model.__name__).lower()
        self.opts = DynamoOptions(
            app_label=app_label,
            model_name=model_name,
            verbose_name=verbose_name,
            verbose_name_plural=self.verbose_name_plural or f"{verbose_name}s",
        )
        self.object_type = self.object_type or f"{app_label}.{model_name}"
        self.version_attribute = next(
            (n for n, a in model.get_attributes().items() if isinstance(a, VersionAttribute)),
            None,
        )
        self._filters = [self._bind_filter(f) for f in self.list_filter]
        attributes = model.get_attributes()
        for name in self.search_fields:
            if not isinstance(attributes.get(name), UnicodeAttribute | ListAttribute):
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.search_fields: {name!r} is not a text attribute."
                )

    def __str__(self) -> str:
        return f"{type(self).__module__}.{type(self).__name__}"

    def _bind_filter(self, declared) -> ListFilter:
        if isinstance(declared, str):
            declared = AttributeFilter(declared)
        if not isinstance(declared, ListFilter):
            raise ImproperlyConfigured(f"{declared!r} in list_filter is not a ListFilter.")
        return copy.copy(declared).bind(self)

    # --- permissions ----------------------------------------------------------------------------

    def permission(self, action: str) -> str:
        return f"{self.opts.app_label}.{action}_{self.opts.model_name}"

    def has_module_permission(self, request) -> bool:
        return request.user.has_module_perms(self.opts.app_label)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(self.permission("view")) or self.has_change_permission(
            request, obj
        )

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm(self.permission("add"))

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(self.permission("change"))

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(self.permission("delete"))

    def get_model_perms(self, request) -> dict[str, bool]:
        return {
            "add": self.has_add_permission(request),
            "change": self.has_change_permission(request),
            "delete": self.has_delete_permission(request),
            "view": self.has_view_permission(request),
        }

    def has_action_permission(self, request, name: str) -> bool:
        """`@admin.action(permissions=["x"])`: `has_x_permission` if defined, else `<app>.x`."""
        method = getattr(self, f"has_{name}_permission", None)
        if method is not None:
            return method(request)
        return request.user.has_perm(f"{self.opts.app_label}.{name}")

    # --- declarations, via hooks ------------------------------------------------------------------

    def get_list_display(self, request) -> tuple:
        return self.list_display

    def get_list_filter(self, request) -> list[ListFilter]:
        return self._filters

    def get_search_fields(self, request) -> tuple:
        return self.search_fields

    def search_key(self, term: str) -> str:
        """The hash key a search term may name exactly (e.g. normalized case)."""
        return term

    def search_lookups(self, term: str) -> dict[str, Any] | None:
        """Lookups that find `term` exactly through an index (e.g. an email), or None.

        When given, a search that is not an exact key becomes these lookups (a Query)
        instead of a text search.
        """
        return None

    def search_terms(self, term: str) -> set[str]:
        """The spellings a text search looks for (DynamoDB's `contains` is case-sensitive)."""
        return {t for t in (term, self.search_key(term)) if t}

    # False: the defaults are a convenience ("Clear all filters" shows everything, `?all=1`);
    # True: they always apply when no filter is chosen (e.g. to read by Query, never Scan).
    default_filters_required = False

    def get_default_filters(self, request) -> dict[str, str]:
        """Filter parameters applied when the list is opened without any (default: none)."""
        return {}

    def get_fields(self, request, obj=None) -> list[str]:
        if self.fields is not None:
            names = list(self.fields)
        else:
            names = [
                name
                for name, attr in self.model.get_attributes().items()
                if not isinstance(attr, VersionAttribute)
            ]
        names = [n for n in names if n not in self.exclude]
        extra = [n for n in self.get_readonly_fields(request, obj) if n not in names]
        return names + extra

    def get_readonly_fields(self, request, obj=None) -> tuple:
        if obj is not None and self.hash_key not in self.readonly_fields:
            return (self.hash_key, *self.readonly_fields)
        return self.readonly_fields

    def get_editable_fields(self, request, obj=None) -> list[str]:
        attributes = self.model.get_attributes()
        readonly = set(self.get_readonly_fields(request, obj))
        return [
            name
            for name in self.get_fields(request, obj)
            if name in attributes
            and name not in readonly
            and is_editable_attribute(attributes[name])
        ]

    def formfield_for_attribute(self, name, attr, request=None):
        return formfield_for_attribute(
            name,
            attr,
            choices=self.choices.get(name),
            label=self.labels.get(name),
            help_text=self.help_texts.get(name, ""),
        )

    def get_form(self, request, obj=None) -> type[DynamoForm]:
        return build_form_class(
            base=self.form,
            model=self.model,
            editable=self.get_editable_fields(request, obj),
            field_for=lambda name, attr: self.formfield_for_attribute(name, attr, request),
            versioned=obj is not None and self.version_attribute is not None,
        )

    def get_initial(self, request, obj=None) -> dict[str, Any]:
        attributes = self.model.get_attributes()
        names = self.get_editable_fields(request, obj)
        if obj is not None:
            initial = {name: getattr(obj, name) for name in names}
            if self.version_attribute:
                initial[VERSION_FIELD] = getattr(obj, self.version_attribute)
            return initial
        initial = {}
        for name in names:
            default = attributes[name].default or attributes[name].default_for_new
            if default is not None:
                initial[name] = default() if callable(default) else default
        return initial

    def get_form_data(self, request, form, obj=None) -> dict[str, Any]:
        """What the write hooks receive: the cleaned values of the editable attributes."""
        return form_data_for(form, self.get_editable_fields(request, obj))

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

    def describe_action(self, action: str) -> str:
        """How an audited action on this kind of object reads in its history."""
        return action_label(action)

    def format_attribute(self, obj, name: str):
        """How an attribute's value reads on list and view pages (choices show their label)."""
        value = getattr(obj, name, None)
        for choice, label in normalize_choices(self.choices.get(name)):
            if choice == value:
                return label
        return format_value(value, self.empty_value_display)

    # --- objects --------------------------------------------------------------------------------

    def object_id(self, obj) -> str:
        return str(getattr(obj, self.hash_key))

    def parse_object_id(self, raw: str) -> Any:
        """The hash key value for an id from a URL; None when it cannot be one."""
        attr = self.model.get_attributes()[self.hash_key]
        if attr.attr_type == "N":
            try:
                return int(raw)
            except ValueError:
                return None
        return raw

    def get_object(self, request, object_id: str):
        """The item with this id, or None (also for ids DynamoDB could never store)."""
        key = self.parse_object_id(object_id)
        if key in (None, "") or len(str(key).encode()) > MAX_KEY:
            return None
        try:
            return self.model.get(key, consistent_read=True)
        except DoesNotExist:
            return None

    def get_objects(self, request, object_ids: list[str]) -> list:
        keys = [
            k
            for k in (self.parse_object_id(i) for i in object_ids)
            if k not in (None, "") and len(str(k).encode()) <= MAX_KEY
        ]
        found = {self.object_id(item): item for item in self.model.batch_get(keys)}
        return [found[str(k)] for k in dict.fromkeys(keys) if str(k) in found]

    def object_url(self, object_id: str, view: str = "change") -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}",
            args=(quote(object_id),),
            current_app=self.admin_site.name,
        )

    def changelist_url(self) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
            current_app=self.admin_site.name,
        )

    def snapshot(self, obj) -> dict[str, Any]:
        """The audited view of an item: JSON values of its attributes, secrets excluded."""
        data = {}
        for name, attr in self.model.get_attributes().items():
            if isinstance(attr, VersionAttribute) or name in self.audit_exclude:
                continue
            data[name] = _jsonable(getattr(obj, name, None))
        return data

    # --- writes (override to call the app's services) -----------------------------------------

    def _audit(self, request, action, obj, before, after):
        return audit_entry(
            actor=request.user.get_username(),
            action=action,
            object_type=self.object_type,
            object_id=self.object_id(obj),
            before=before,
            after=after,
            now=timezone.now(),
            request_id=getattr(request, "request_id", None),
        )

    def create_object(self, request, data: dict):
        """Save a new item unless its key is taken; raises Conflict."""
        obj = self.model(**data)
        entry = self._audit(request, "create", obj, None, self.snapshot(obj))
        try:
            with TransactWrite(connection=connection()) as tx:
                tx.save(obj, condition=getattr(self.model, self.hash_key).does_not_exist())
                tx.save(entry)
        except TransactWriteError as exc:
            if _condition_failed(exc):
                raise Conflict(
                    f"A {self.opts.verbose_name} with this {label_for(self.hash_key).lower()} "
                    "already exists.",
                    details={"fields": {self.hash_key: ["This value is already taken."]}},
                ) from exc
            raise
        return obj

    def update_object(self, request, obj, data: dict, expected_version: int | None):
        """Apply `data` if nobody changed the item since `expected_version`; raises StaleObject."""
        if self._is_stale(obj, expected_version):
            raise StaleObject()
        before = self.snapshot(obj)
        for name, value in data.items():
            setattr(obj, name, value)
        after = self.snapshot(obj)
        if after == before:
            return obj
        entry = self._audit(request, "update", obj, before, after)
        try:
            with TransactWrite(connection=connection()) as tx:
                tx.save(obj, condition=getattr(self.model, self.hash_key).exists())
                tx.save(entry)
        except TransactWriteError as exc:
            if _condition_failed(exc):
                raise StaleObject() from exc
            raise
        return obj

    def delete_object(self, request, obj, expected_version: int | None) -> None:
        """Delete the item if nobody changed it since `expected_version`; raises StaleObject."""
        if self._is_stale(obj, expected_version):
            raise StaleObject()
        entry = self._audit(request, "delete", obj, self.snapshot(obj), None)
        try:
            with TransactWrite(connection=connection()) as tx:
                tx.delete(obj, condition=getattr(self.model, self.hash_key).exists())
                tx.save(entry)
        except TransactWriteError as exc:
            if _condition_failed(exc):
                raise StaleObject() from exc
            raise

    def save_extra(self, request, obj, form, *, add: bool):
        """After the item is saved: handle form fields that are not attributes (uploads…)."""
        return obj

    def _is_stale(self, obj, expected_version) -> bool:
        if not self.version_attribute or expected_version is None:
            return False
        return getattr(obj, self.version_attribute) != expected_version

    # --- messages -------------------------------------------------------------------------------

    def message_user(self, request, message, level=messages.INFO) -> None:
        messages.add_message(request, level, message)

    def get_stale_message(self, obj) -> str:
        return self.stale_message.format(name=self.opts.verbose_name)

    # --- URLs -----------------------------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"

        def wrap(view):
            def wrapper(*args, **kwargs):
                return self.admin_site.admin_view(view)(*args, **kwargs)

            wrapper.model_admin = self
            return update_wrapper(wrapper, view)

        urls = [
            path("", wrap(self.changelist_view), name=f"{prefix}_changelist"),
            path("add/", wrap(self.add_view), name=f"{prefix}_add"),
        ]
        if self.has_object_pages:
            to_change = RedirectView.as_view(pattern_name=f"{self.admin_site.name}:{prefix}_change")
            urls += self.get_extra_object_urls(wrap)
            if self.object_actions:
                urls.append(
                    path(
                        "<path:object_id>/actions/",
                        wrap(self.object_action_view),
                        name=f"{prefix}_actions",
                    )
                )
            urls += [
                path(
                    "<path:object_id>/history/", wrap(self.history_view), name=f"{prefix}_history"
                ),
                path("<path:object_id>/delete/", wrap(self.delete_view), name=f"{prefix}_delete"),
                path("<path:object_id>/change/", wrap(self.change_view), name=f"{prefix}_change"),
                path("<path:object_id>/", wrap(to_change)),
            ]
        return urls

    def get_extra_object_urls(self, wrap) -> list:
        """Per-object pages beyond change/delete/history (e.g. set a password)."""
        return []

    @property
    def urls(self):
        return self.get_urls()

    # --- views ----------------------------------------------------------------------------------

    def base_context(self, request, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "is_popup": False,
            **extra,
        }

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self.response_action(request)
        cl = ChangeList(request, self)
        cl.get_results()
        for error in cl.errors:
            messages.warning(request, error)
        actions = self.get_actions(request)
        context = self.base_context(
            request,
            title=capfirst(self.opts.verbose_name_plural),
            subtitle=None,
            cl=cl,
            headers=cl.headers(),
            rows=cl.rows(),
            filters=[(f.template, f.context(cl)) for f in cl.filters],
            action_choices=[(name, desc) for name, (_f, _n, desc) in actions.items()],
            has_add_permission=self.has_add_permission(request),
            search_var=SEARCH_VAR,
            search_help_text=self.search_help_text,
            read_plan=cl.plan.describe() if cl.plan else "",
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.change_list_template, context)

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

    def add_view(self, request, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self.changeform_view(request, None, extra_context)

    def change_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._missing(request, unquote(object_id))
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST" and not self.has_change_permission(request, obj):
            raise PermissionDenied
        return self.changeform_view(request, obj, extra_context)

    def _missing(self, request, object_id):
        self.message_user(
            request,
            f"The {self.opts.verbose_name} “{object_id}” does not exist. Perhaps it was deleted?",
            messages.WARNING,
        )
        return HttpResponseRedirect(self.changelist_url())

    def changeform_view(self, request, obj, extra_context=None):
        add = obj is None
        form_class = self.get_form(request, obj)
        can_change = add or (
            self.has_change_permission(request, obj)
            and any(not f.widget.is_hidden for f in form_class.base_fields.values())
        )
        if request.method == "POST" and not can_change:
            self.message_user(
                request,
                f"Nothing on this {self.opts.verbose_name} can be changed here now.",
                messages.WARNING,
            )
            return HttpResponseRedirect(self.object_url(self.object_id(obj)))
        if request.method == "POST":
            form = form_class(request.POST, request.FILES, obj=obj, request=request)
            if form.is_valid():
                response = self.save_form(request, form, obj)
                if response is not None:
                    return response
        else:
            form = form_class(initial=self.get_initial(request, obj), obj=obj, request=request)
        title = (
            f"Add {self.opts.verbose_name}"
            if add
            else f"{'Change' if can_change else 'View'} {self.opts.verbose_name}"
        )
        hidden_errors = [
            error
            for name in form.fields
            if form.fields[name].widget.is_hidden
            for error in form.errors.get(name, [])
        ]
        context = self.base_context(
            request,
            title=title,
            subtitle=None if add else self.object_label(obj),
            form=form,
            rows=self.form_rows(request, form, obj, can_change=can_change),
            non_field_errors=[*form.non_field_errors(), *hidden_errors],
            hidden_fields=[form[n] for n in form.fields if form.fields[n].widget.is_hidden],
            add=add,
            change=not add,
            original=obj,
            original_label=None if add else self.object_label(obj),
            object_id=None if add else self.object_id(obj),
            can_change=can_change,
            has_delete_permission=not add and self.has_delete_permission(request, obj),
            has_file_field=form.is_multipart(),
            media=form.media,
            object_tools=self.get_object_tools(request, obj),
            object_actions=[]
            if add
            else [(n, d) for n, (_f, _n, d) in self.get_object_actions(request, obj).items()],
            object_actions_url=None
            if add or not self.object_actions
            else self.object_url(self.object_id(obj), "actions"),
            **self.get_changeform_context(request, obj),
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.change_form_template, context)

    def get_changeform_context(self, request, obj) -> dict:
        """Extra template context for an item's page (sections a custom template shows)."""
        return {}

    def get_object_tools(self, request, obj) -> list[tuple[str, str]]:
        """Links above the change form: (label, url)."""
        if obj is None:
            return []
        return [("History", self.object_url(self.object_id(obj), "history"))]

    def form_rows(self, request, form, obj, *, can_change: bool) -> list[dict]:
        """What the change form shows, in order: editable fields and read-only values."""
        readonly = set(self.get_readonly_fields(request, obj))
        attributes = self.model.get_attributes()
        names = self.get_fields(request, obj)
        rows = []
        for name in names:
            if can_change and name in form.fields and name not in readonly:
                rows.append(_field_row(form[name]))
            elif obj is not None and (
                name in attributes
                or (name not in form.fields and callable(getattr(self, name, None)))
            ):
                rows.append(
                    {
                        "name": name,
                        "label": header_for(self, name),
                        "contents": display_value(self, obj, name),
                        "readonly": True,
                    }
                )
        if can_change:
            rows += [
                _field_row(form[name])
                for name in form.fields
                if name not in names and not form.fields[name].widget.is_hidden
            ]
        return rows

    def save_form(self, request, form, obj):
        """Write through the hooks; on success a redirect, else None (errors are on the form)."""
        add = obj is None
        data = self.get_form_data(request, form, obj)
        try:
            if add:
                saved = self.create_object(request, data)
            else:
                saved = self.update_object(
                    request, obj, data, expected_version=form.cleaned_data.get(VERSION_FIELD)
                )
        except StaleObject:
            form.add_error(None, self.get_stale_message(obj))
            return None
        except DomainError as exc:
            add_domain_errors(form, exc)
            return None
        except PynamoDBException as exc:
            if not _condition_failed(exc):
                raise
            form.add_error(None, self.get_stale_message(obj))
            return None
        change_url = self.object_url(self.object_id(saved))
        try:
            saved = self.save_extra(request, saved, form, add=add) or saved
        except DomainError as exc:
            self.message_user(
                request,
                f"The {self.opts.verbose_name} “{self.object_label(saved)}” was saved, "
                f"but: {_describe(exc)}",
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        return self.response_add(request, saved) if add else self.response_change(request, saved)

    def response_add(self, request, obj):
        """The message and redirect after adding `obj`."""
        return self._response_saved(request, obj, verb="added")

    def response_change(self, request, obj):
        """The message and redirect after changing `obj`."""
        return self._response_saved(request, obj, verb="changed")

    def _response_saved(self, request, saved, *, verb: str):
        change_url = self.object_url(self.object_id(saved))
        link = format_html('<a href="{}">{}</a>', change_url, self.object_label(saved))
        self.message_user(
            request,
            format_html("The {} “{}” was {} successfully.", self.opts.verbose_name, link, verb),
            messages.SUCCESS,
        )
        if "_continue" in request.POST:
            return HttpResponseRedirect(change_url)
        if "_addanother" in request.POST:
            return HttpResponseRedirect(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_add",
                    current_app=self.admin_site.name,
                )
            )
        return HttpResponseRedirect(self.changelist_url())

    def delete_view(self, request, object_id, extra_context=None):
        object_id = unquote(object_id)
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._missing(request, object_id)
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        change_url = self.object_url(object_id)
        if request.method == "POST" and request.POST.get("post"):
            version = _int_or_none(request.POST.get(VERSION_FIELD))
            if self.version_attribute and version is None:
                self.message_user(
                    request, "The confirmation form was incomplete: try again.", messages.ERROR
                )
                return HttpResponseRedirect(change_url)
            try:
                self.delete_object(request, obj, expected_version=version)
            except (StaleObject, PynamoDBException) as exc:
                if isinstance(exc, PynamoDBException) and not _condition_failed(exc):
                    raise
                self.message_user(
                    request,
                    f"Someone else changed this {self.opts.verbose_name} since you opened it, "
                    "so it was not deleted. Review the current version and try again.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(change_url)
            except NotFound:
                return self._missing(request, object_id)
            except DomainError as exc:
                self.message_user(request, _describe(exc), messages.ERROR)
                return HttpResponseRedirect(change_url)
            self.message_user(
                request,
                f"The {self.opts.verbose_name} “{self.object_label(obj)}” was deleted "
                "successfully.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self.changelist_url())
        context = self.base_context(
            request,
            title="Are you sure?",
            subtitle=None,
            object=obj,
            object_label=self.object_label(obj),
            object_id=object_id,
            object_name=self.opts.verbose_name,
            version=getattr(obj, self.version_attribute) if self.version_attribute else "",
            version_field=VERSION_FIELD,
            summary=[
                {"label": header_for(self, name), "value": display_value(self, obj, name)}
                for name in self.list_display
            ],
            change_url=change_url,
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.delete_confirmation_template, context)

    def history_view(self, request, object_id, extra_context=None):
        object_id = unquote(object_id)
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, object_id)
        entries = audit_for_object(object_type=self.object_type, object_id=object_id)
        if obj is None and not entries:
            return self._missing(request, object_id)
        context = self.base_context(
            request,
            title=f"Change history: {self.object_label(obj) or object_id}",
            subtitle=None,
            object=obj,
            object_label=self.object_label(obj),
            object_id=object_id,
            module_name=capfirst(self.opts.verbose_name_plural),
            entries=[
                {
                    "entry": e,
                    "changes": self.audit_lines(e),
                    "label": self.describe_action(e.action),
                }
                for e in entries
            ],
            change_url=self.object_url(object_id) if obj is not None else None,
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


def _field_row(bound) -> dict:
    from django.forms import CheckboxInput

    return {
        "name": bound.name,
        "field": bound,
        "readonly": False,
        "is_checkbox": isinstance(bound.field.widget, CheckboxInput),
        "required": bound.field.required,
    }


def _condition_failed(exc: PynamoDBException) -> bool:
    """A write refused by its condition (a version or existence check), not a failure."""
    if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
        return True
    return any(
        r is not None and r.code == "ConditionalCheckFailed"
        for r in (getattr(exc, "cancellation_reasons", None) or [])
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _describe(exc: DomainError) -> str:
    fields = (exc.details or {}).get("fields") or {}
    parts = [
        f"{label_for(name)}: {' '.join([msgs] if isinstance(msgs, str) else msgs)}"
        for name, msgs in fields.items()
    ]
    return " ".join(parts) or exc.message


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, set | frozenset):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value
