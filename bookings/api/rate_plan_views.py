"""Rate plan and promo code endpoints: managers change them; any staff member reads the
plans, only managers the codes. Views parse, call a service, render."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import promo_codes, rate_plan_services
from bookings.rate_reads import rate_plans_all
from hotel.accounts import roles
from hotel.actor import actor_from
from hotel.api.permissions import role_perm
from hotel.api.schema_hints import extend_schema
from hotel.errors import ValidationFailed

from .rate_plan_serializers import (
    PromoCodeInput,
    PromoCodeListOutput,
    PromoCodeOutput,
    RatePlanInput,
    RatePlanListOutput,
    RatePlanOutput,
)

MANAGERS = frozenset({roles.MANAGER})


def if_match(request) -> int | None:
    """The revision a client saw, from `If-Match: "3"` (optional)."""
    raw = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    if not raw or raw == "*":
        return None
    if not raw.isdigit() or len(raw) > 15:
        raise ValidationFailed(
            "If-Match must be the revision number.",
            details={"fields": {"If-Match": ['Expected a revision number such as "3".']}},
        )
    return int(raw)


def _render(output, item, revision: int, status_code=status.HTTP_200_OK) -> Response:
    response = Response(output(item).data, status=status_code)
    response["ETag"] = f'"{revision}"'
    return response


def _manager(action: str, model: str):
    """Managers change; any staff member reads rate plans, only managers promo codes."""
    return role_perm(
        write=f"bookings.{action}_{model}", roles=MANAGERS, staff_read=model == "rateplan"
    )


# --- rate plans ---------------------------------------------------------------------------------


class RatePlanListView(APIView):
    permission_classes = [_manager("add", "rateplan")]

    @extend_schema(responses=RatePlanListOutput, operation_id="rate_plans_list")
    def get(self, request):
        plans = rate_plans_all()
        return Response({"ratePlans": RatePlanOutput(plans, many=True).data, "count": len(plans)})

    @extend_schema(
        request=RatePlanInput, responses={201: RatePlanOutput}, operation_id="rate_plans_create"
    )
    def post(self, request):
        serializer = RatePlanInput(data=request.data, context={"creating": True})
        serializer.is_valid(raise_exception=True)
        plan = rate_plan_services.rate_plan_create(
            data=serializer.validated_data, **actor_from(request).as_kwargs()
        )
        response = _render(RatePlanOutput, plan, plan.revision, status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"/api/rate-plans/{plan.ratePlan}")
        return response


class RatePlanDetailView(APIView):
    permission_classes = [_manager("change", "rateplan")]

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [_manager("delete", "rateplan")()]
        return super().get_permissions()

    @extend_schema(responses=RatePlanOutput, operation_id="rate_plans_retrieve")
    def get(self, request, rate_plan: str):
        plan = rate_plan_services.rate_plan_read(rate_plan)
        return _render(RatePlanOutput, plan, plan.revision or 0)

    def _update(self, request, rate_plan: str, *, replace: bool):
        current = rate_plan_services.rate_plan_read(rate_plan)
        payload = request.data
        if replace and isinstance(payload, dict):
            payload = {"ratePlan": current.ratePlan, **payload}  # PUT may omit its code
        serializer = RatePlanInput(
            data=payload, partial=not replace, context={"current": current, "replace": replace}
        )
        serializer.is_valid(raise_exception=True)
        plan = rate_plan_services.rate_plan_update(
            code=current.ratePlan,
            data=dict(serializer.validated_data),
            replace=replace,
            expected_revision=if_match(request),
            **actor_from(request).as_kwargs(),
        )
        return _render(RatePlanOutput, plan, plan.revision or 0)

    @extend_schema(
        request=RatePlanInput, responses=RatePlanOutput, operation_id="rate_plans_replace"
    )
    def put(self, request, rate_plan: str):
        return self._update(request, rate_plan, replace=True)

    @extend_schema(
        request=RatePlanInput, responses=RatePlanOutput, operation_id="rate_plans_update"
    )
    def patch(self, request, rate_plan: str):
        return self._update(request, rate_plan, replace=False)

    @extend_schema(responses={204: None}, operation_id="rate_plans_delete")
    def delete(self, request, rate_plan: str):
        rate_plan_services.rate_plan_delete(
            code=rate_plan, expected_revision=if_match(request), **actor_from(request).as_kwargs()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- promo codes --------------------------------------------------------------------------------


class PromoCodeListView(APIView):
    permission_classes = [_manager("add", "promocode")]

    @extend_schema(responses=PromoCodeListOutput, operation_id="promo_codes_list")
    def get(self, request):
        codes = promo_codes.promo_codes_all()
        return Response({"promoCodes": PromoCodeOutput(codes, many=True).data, "count": len(codes)})

    @extend_schema(
        request=PromoCodeInput, responses={201: PromoCodeOutput}, operation_id="promo_codes_create"
    )
    def post(self, request):
        serializer = PromoCodeInput(data=request.data, context={"creating": True})
        serializer.is_valid(raise_exception=True)
        promo = promo_codes.promo_code_create(
            data=serializer.validated_data, **actor_from(request).as_kwargs()
        )
        response = _render(PromoCodeOutput, promo, promo.revision, status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"/api/promo-codes/{promo.code}")
        return response


class PromoCodeDetailView(APIView):
    permission_classes = [_manager("change", "promocode")]

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [_manager("delete", "promocode")()]
        return super().get_permissions()

    @extend_schema(responses=PromoCodeOutput, operation_id="promo_codes_retrieve")
    def get(self, request, code: str):
        promo = promo_codes.promo_code_read(code)
        return _render(PromoCodeOutput, promo, promo.revision or 0)

    def _update(self, request, code: str, *, replace: bool):
        current = promo_codes.promo_code_read(code)
        payload = request.data
        if replace and isinstance(payload, dict):
            payload = {"code": current.code, **payload}
        serializer = PromoCodeInput(
            data=payload, partial=not replace, context={"current": current, "replace": replace}
        )
        serializer.is_valid(raise_exception=True)
        promo = promo_codes.promo_code_update(
            code=current.code,
            data=dict(serializer.validated_data),
            replace=replace,
            expected_revision=if_match(request),
            **actor_from(request).as_kwargs(),
        )
        return _render(PromoCodeOutput, promo, promo.revision or 0)

    @extend_schema(
        request=PromoCodeInput, responses=PromoCodeOutput, operation_id="promo_codes_replace"
    )
    def put(self, request, code: str):
        return self._update(request, code, replace=True)

    @extend_schema(
        request=PromoCodeInput, responses=PromoCodeOutput, operation_id="promo_codes_update"
    )
    def patch(self, request, code: str):
        return self._update(request, code, replace=False)

    @extend_schema(responses={204: None}, operation_id="promo_codes_delete")
    def delete(self, request, code: str):
        promo_codes.promo_code_delete(
            code=code, expected_revision=if_match(request), **actor_from(request).as_kwargs()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
