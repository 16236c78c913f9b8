"""`DynamoAdminSite`: Django's real AdminSite, serving PynamoDB models.

The stock site's login, logout, password change and templates are kept; what needs the
ORM (LogEntry, ContentType, ModelAdmin querysets, `delete_selected`) is replaced:
models register with a `DynamoModelAdmin`, the index's "recent actions" come from the
audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.exceptions import AlreadyRegistered, NotRegistered
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import NoReverseMatch, include, path, re_path, reverse, reverse_lazy
from django.utils.text import capfirst
from pynamodb.models import Model

from hotel.audit.selectors import audit_for_actor

from .options import DynamoModelAdmin
from .rendering import action_label, audit_changes


@dataclass(frozen=True)
class AdminPage:
    """A page of the admin that is not a model's list (dashboard, room rack, reports…).

    `allowed(request)` decides who may open it: everyone else gets 403 (anonymous users the
    login page). `menu` pages are offered on the index to those allowed.
    """

    route: str
    view: Callable
    name: str
    title: str
    allowed: Callable
    description: str = ""
    menu: bool = True
    order: int = 100  # position in the menu


class DynamoAdminSite(admin.AdminSite):
    index_template = "admin/dynamo/index.html"
    app_index_template = "admin/dynamo/app_index.html"
    # The project's site sets its staff forms (hotel.admin_site); Django's are the defaults.
    password_change_form = AdminPasswordChangeForm
    recent_actions_limit = 10
    # Registered pages staff land on after login, first allowed wins (else the index).
    landing_pages: tuple[str, ...] = ()

    def __init__(self, name: str = "admin"):
        super().__init__(name)
        self._dynamo_registry: dict[type[Model], DynamoModelAdmin] = {}
        # Django's only global action, delete_selected, needs an ORM queryset.
        self._actions = {}
        self._global_actions = {}
        self._pages: list[AdminPage] = []

    # --- registry -------------------------------------------------------------------------------

    def register(self, model_or_iterable, admin_class=None, **options):
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models:
            if not (isinstance(model, type) and issubclass(model, Model)):
                super().register(model, admin_class, **options)
                continue
            if model in self._dynamo_registry:
                raise AlreadyRegistered(f"The model {model.__name__} is already registered.")
            cls = admin_class or DynamoModelAdmin
            if not issubclass(cls, DynamoModelAdmin):
                raise ImproperlyConfigured(
                    f"{model.__name__} is a PynamoDB model: register it with a DynamoModelAdmin."
                )
            if options:
                cls = type(f"{model.__name__}Admin", (cls,), {**options, "__module__": __name__})
            self._dynamo_registry[model] = cls(model, self)

    def unregister(self, model_or_iterable):
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models:
            if model in self._dynamo_registry:
                del self._dynamo_registry[model]
            else:
                super().unregister(model)

    def is_registered(self, model) -> bool:
        return model in self._dynamo_registry or super().is_registered(model)

    def get_model_admin(self, model):
        if model in self._dynamo_registry:
            return self._dynamo_registry[model]
        try:
            return super().get_model_admin(model)
        except NotRegistered:
            raise NotRegistered(f"The model {model.__name__} is not registered.") from None

    def register_page(
        self,
        route: str,
        view: Callable,
        *,
        name: str,
        title: str,
        allowed: Callable,
        description: str = "",
        menu: bool = True,
        order: int = 100,
    ) -> None:
        """Add a page at /admin/<route> (URL name `admin:<name>`), guarded by `allowed`."""
        if any(p.name == name for p in self._pages):
            raise AlreadyRegistered(f"An admin page named {name!r} is already registered.")
        self._pages.append(AdminPage(route, view, name, title, allowed, description, menu, order))
        self._pages.sort(key=lambda page: page.order)

    def pages(self) -> list[AdminPage]:
        return list(self._pages)

    def pages_for(self, request) -> list[dict]:
        """The menu pages this user may open, for the index and the navigation."""
        if not request.user.is_authenticated:
            return []
        return [
            {
                "title": page.title,
                "description": page.description,
                "url": reverse(f"admin:{page.name}", current_app=self.name),
                "name": page.name,
            }
            for page in self._pages
            if page.menu and page.allowed(request)
        ]

    def _page_view(self, page: AdminPage):
        def view(request, *args, **kwargs):
            if not page.allowed(request):
                raise PermissionDenied
            request.current_app = self.name
            return page.view(request, *args, **kwargs)

        return update_wrapper(view, page.view)

    def landing_url(self, request) -> str:
        """Where this signed-in user starts: the first of `landing_pages` they may open."""
        for name in self.landing_pages:
            page = next((p for p in self._pages if p.name == name), None)
            if page is not None and page.allowed(request):
                return reverse(f"admin:{name}", current_app=self.name)
        return reverse("admin:index", current_app=self.name)

    def login(self, request, extra_context=None):
        from .login import admin_login

        return admin_login(self, request, extra_context)

    def dynamo_admins(self) -> list[DynamoModelAdmin]:
        return list(self._dynamo_registry.values())

    def admin_for_object_type(self, object_type: str) -> DynamoModelAdmin | None:
        for model_admin in self._dynamo_registry.values():
            if model_admin.object_type == object_type:
                return model_admin
        return None

    # --- URLs -----------------------------------------------------------------------------------

    def get_urls(self):
        def wrap(view, cacheable=False):
            def wrapper(*args, **kwargs):
                return self.admin_view(view, cacheable)(*args, **kwargs)

            wrapper.admin_site = self
            wrapper.login_url = reverse_lazy("admin:login", current_app=self.name)
            return update_wrapper(wrapper, view)

        urlpatterns = [
            path("", wrap(self.index), name="index"),
            path("login/", self.login_with_lockout_status, name="login"),
            path("logout/", wrap(self.logout), name="logout"),
            path(
                "password_change/",
                wrap(self.password_change, cacheable=True),
                name="password_change",
            ),
            path(
                "password_change/done/",
                wrap(self.password_change_done, cacheable=True),
                name="password_change_done",
            ),
            path("jsi18n/", wrap(self.i18n_javascript, cacheable=True), name="jsi18n"),
        ]
        for page in self._pages:
            urlpatterns.append(path(page.route, wrap(self._page_view(page)), name=page.name))
        app_labels: list[str] = []
        for model_admin in self._dynamo_registry.values():
            opts = model_admin.opts
            urlpatterns.append(
                path(f"{opts.app_label}/{opts.model_name}/", include(model_admin.urls))
            )
            if opts.app_label not in app_labels:
                app_labels.append(opts.app_label)
        if app_labels:
            urlpatterns.append(
                re_path(
                    r"^(?P<app_label>" + "|".join(app_labels) + ")/$",
                    wrap(self.app_index),
                    name="app_list",
                )
            )
        if self.final_catch_all_view:
            urlpatterns.append(re_path(r"(?P<url>.*)$", wrap(self.catch_all_view)))
        return urlpatterns

    # --- pages ----------------------------------------------------------------------------------

    def get_log_entries(self, request):
        """Django's LogEntry needs an ORM; the index reads the audit log instead."""
        return None

    def _build_app_dict(self, request, label=None):
        if not request.user.is_authenticated:
            return {}
        app_dict = super()._build_app_dict(request, label)
        for model, model_admin in self._dynamo_registry.items():
            opts = model_admin.opts
            if label and opts.app_label != label:
                continue
            if not model_admin.has_module_permission(request):
                continue
            perms = model_admin.get_model_perms(request)
            if True not in perms.values():
                continue
            model_dict = {
                "model": model,
                "name": capfirst(opts.verbose_name_plural),
                "object_name": opts.object_name,
                "perms": perms,
                "admin_url": None,
                "add_url": None,
            }
            if perms.get("change") or perms.get("view"):
                model_dict["view_only"] = not perms.get("change")
                model_dict["admin_url"] = model_admin.changelist_url()
            if perms.get("add"):
                model_dict["add_url"] = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_add", current_app=self.name
                )
            app = app_dict.setdefault(
                opts.app_label,
                {
                    "name": opts.app_config.verbose_name,
                    "app_label": opts.app_label,
                    "app_url": reverse(
                        "admin:app_list",
                        kwargs={"app_label": opts.app_label},
                        current_app=self.name,
                    ),
                    "has_module_perms": True,
                    "models": [],
                },
            )
            app["models"].append(model_dict)
        return app_dict

    def recent_actions(self, request) -> list[dict]:
        """The current user's latest audited changes, linked when the object still exists."""
        entries = audit_for_actor(
            actor=request.user.get_username(), limit=self.recent_actions_limit
        )
        actions = []
        for entry in entries:
            model_admin = self.admin_for_object_type(entry.objectType)
            url = None
            if (
                model_admin is not None
                and entry.action != "delete"
                and model_admin.has_object_pages
                and model_admin.has_view_permission(request)
            ):
                try:
                    url = model_admin.object_url(entry.objectId)
                except NoReverseMatch:
                    url = None
            actions.append(
                {
                    "entry": entry,
                    "url": url,
                    "type_name": capfirst(model_admin.opts.verbose_name)
                    if model_admin
                    else entry.objectType,
                    "css": {"create": "addlink", "delete": "deletelink"}.get(
                        entry.action, "changelink"
                    ),
                    "changes": model_admin.audit_lines(entry)
                    if model_admin
                    else audit_changes(entry),
                    "label": model_admin.describe_action(entry.action)
                    if model_admin
                    else action_label(entry.action),
                }
            )
        return actions

    def each_context(self, request):
        context = super().each_context(request)
        context["backoffice_pages"] = self.pages_for(request)
        return context

    def login_with_lockout_status(self, request, extra_context=None):
        """The login view (`self.login`); an email whose attempts are used up gets 429 with
        Retry-After. The form shows the lockout message (`login_form`); the password was
        not checked."""
        response = self.login(request, extra_context)
        locked = getattr(request, "login_locked", None)
        if locked is not None and response.status_code == 200:
            response.status_code = 429
            response["Retry-After"] = str(locked.details.get("retryAfterSeconds", 60))
        return response

    def index(self, request, extra_context=None):
        return super().index(
            request,
            extra_context={"recent_actions": self.recent_actions(request), **(extra_context or {})},
        )

    def password_change(self, request, extra_context=None):
        """Django's password change view, saving through the audited staff service."""
        from django.contrib.auth.views import PasswordChangeView

        defaults = {
            "form_class": self.password_change_form,
            "success_url": reverse("admin:password_change_done", current_app=self.name),
            "extra_context": {**self.each_context(request), **(extra_context or {})},
        }
        if self.password_change_template is not None:
            defaults["template_name"] = self.password_change_template
        request.current_app = self.name
        return PasswordChangeView.as_view(**defaults)(request)
