"""`DynamoModelAdmin`: what Django's ModelAdmin does, for a PynamoDB model.

Declarative class attributes with `get_*` hooks, as in `django.contrib.admin.options`.
Writes go through `create_object` / `update_object` / `delete_object`: apps with
services override them; the defaults save with PynamoDB (version-checked) and audit.

The class is assembled from one mixin per concern: this module holds the declarations,
permissions, item lookup and URLs; `views` the list, change, delete and history pages;
`actions` the list actions and an item's action buttons; `writes` the audited saves.
"""

from __future__ import annotations

import copy
from functools import update_wrapper
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.views.generic import RedirectView
from pynamodb.attributes import ListAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from hotel.actor import actor_from

from .actions import ActionsMixin
from .filters import AttributeFilter, ListFilter
from .forms import (
    MAX_KEY,
    VERSION_FIELD,
    DynamoForm,
    build_form_class,
    form_data_for,
    formfield_for_attribute,
    is_editable_attribute,
    label_for,
    normalize_choices,
)
from .presentation import PresentationMixin
from .query import key_names
from .rendering import action_label, format_value
from .views import ViewsMixin
from .writes import WritesMixin


def who(request) -> dict:
    """The `actor`, `now` and `request_id` arguments every audited service call takes
    (the admin's short name for `actor_from(request).as_kwargs()`)."""
    return actor_from(request).as_kwargs()


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


class DynamoModelAdmin(ViewsMixin, ActionsMixin, WritesMixin, PresentationMixin):
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

    # --- shared by the pages (views.py, actions.py) ---------------------------------------------

    def base_context(self, request, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "is_popup": False,
            **extra,
        }

    def _missing(self, request, object_id):
        self.message_user(
            request,
            f"The {self.opts.verbose_name} “{object_id}” does not exist. Perhaps it was deleted?",
            messages.WARNING,
        )
        return HttpResponseRedirect(self.changelist_url())
