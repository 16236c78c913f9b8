"""Small helpers shared by the API's input serializers."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import SkipField, get_error_detail

from hotel.dates import day_range_error
from hotel.errors import ValidationFailed


class DayField(serializers.DateField):
    """A YYYY-MM-DD day inside the hotel's calendar window (hotel.dates)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        message = day_range_error(day)
        if message:
            raise serializers.ValidationError(message, code="out_of_range")
        return day


def language_field():
    """`language`: the guest's, one of settings.LANGUAGES (default: the site's); every email
    about the stay is written in it (hotel.languages)."""
    return serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="The guest's language for every email about the stay: "
        + ", ".join(code for code, _name in settings.LANGUAGES)
        + f" (default {settings.LANGUAGE_CODE}).",
    )


def translations_input(fields: dict[str, int]):
    """`translations`: staff's words per guest language, checked by the service
    (hotel.translations: problems named `translations.de.name`)."""
    others = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    return serializers.JSONField(
        required=False,
        allow_null=True,
        help_text=f"Per guest language ({', '.join(others)}): "
        + ", ".join(f"{name} (at most {limit} characters)" for name, limit in fields.items())
        + ', e.g. {"de": {"name": "…"}}. An empty or missing word shows the default '
        f"language's ({settings.LANGUAGE_CODE}). Given, it replaces every translation; null or "
        "{} removes them; left out (also by a PUT), they are kept.",
    )


class TranslationsOutput(serializers.DictField):
    """An item's `translations` ({} when it has none), read-only."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", 'Per guest language, e.g. {"de": {"name": "…"}}; {} when none.'
        )
        super().__init__(
            child=serializers.DictField(child=serializers.CharField()),
            source="*",
            read_only=True,
            **kwargs,
        )

    def to_representation(self, value):
        return super().to_representation(getattr(value, "translations", None) or {})


class StrictInputSerializer(serializers.Serializer):
    """Every problem of a request in one answer.

    Unknown fields are refused (typos fail loudly instead of silently), and the domain's
    rules (`rule_errors`) run on the fields that did parse, in the same round as the type
    checks: a client sees `capacity` out of range together with `pricePerNight` not being
    a number, not one after the other.
    """

    def rule_errors(self, values: dict, errors: dict) -> dict[str, list[str]]:
        """Domain-rule problems of the parsed `values` ({field: [message]}); `errors` holds
        the fields that already failed. Override; the default has none."""
        return {}

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError(
                {"nonFieldErrors": ["Expected a JSON object."]}, code="invalid"
            )
        values, errors = self._parse_fields(data)
        for name in sorted(set(data) - set(self.fields)):
            errors[name] = ["Unknown field."]
        for name, messages in self.rule_errors(values, errors).items():
            if name not in errors:
                errors[name] = list(messages)
        if errors:
            raise serializers.ValidationError(errors)
        return values

    def _parse_fields(self, data) -> tuple[dict, dict]:
        """DRF's Serializer.to_internal_value, keeping the values that parsed."""
        values: dict = {}
        errors: dict = {}
        for field in self._writable_fields:
            validate_method = getattr(self, "validate_" + field.field_name, None)
            primitive = field.get_value(data)
            try:
                value = field.run_validation(primitive)
                if validate_method is not None:
                    value = validate_method(value)
            except serializers.ValidationError as exc:
                errors[field.field_name] = exc.detail
            except DjangoValidationError as exc:
                errors[field.field_name] = get_error_detail(exc)
            except SkipField:
                pass
            else:
                self.set_value(values, field.source_attrs, value)
        return values, errors


def domain_field_errors(check) -> dict[str, list[str]]:
    """Run `check()` (a service's validation) and return its field errors, or {}."""
    try:
        check()
    except ValidationFailed as exc:
        fields = exc.details.get("fields") or {}
        return {name: [str(m) for m in messages] for name, messages in fields.items()}
    return {}


def parse_query(serializer_class, request):
    """Validate query parameters with a serializer; raise DRF ValidationError (→ 400)."""
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def invalid_cursor(exc: Exception) -> ValidationFailed:
    """The 400 for a `nextToken` that this list did not hand out (hotel.dynamo.InvalidCursor)."""
    return ValidationFailed(
        "nextToken is not valid for this list. Start again without it.",
        code="INVALID_CURSOR",
        details={"fields": {"nextToken": [str(exc)]}},
    )
