"""Group blocks in the back office: the list with a create form, and a block's page with its
pickup per night, an edit form, the release button and the rooming-list upload. The desk and
managers (bookings.change_booking) use them; the rules are bookings.blocks' services, these
views parse, call one service and render (a refusal becomes a message or form errors).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from bookings.blocks import rooming, selectors, services
from bookings.blocks.errors import BlockNotFound
from bookings.blocks.models import HELD
from bookings.clock import hotel_today
from hotel.dynamo_admin import who
from hotel.dynamo_admin.forms import DateInput
from hotel.errors import DomainError, ValidationFailed
from rooms.room_types import room_types_all

from .common import base_context, money


class BlockForm(forms.Form):
    code = forms.CharField(max_length=20, help_text="What the guests type, e.g. WED26.")
    name = forms.CharField(max_length=120)
    roomType = forms.ChoiceField(label="Room type")
    start = forms.DateField(label="First night", widget=DateInput)
    end = forms.DateField(label="Departure", widget=DateInput, help_text="Not a night.")
    unitsPerNight = forms.IntegerField(label="Rooms per night", min_value=1, max_value=500)
    rate = forms.IntegerField(label="Rate per night (minor units)", min_value=0)
    ratePlan = forms.CharField(label="Rate plan", max_length=20, required=False)
    releaseDate = forms.DateField(label="Release date", widget=DateInput)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roomType"].choices = [(t.roomType, t.name) for t in room_types_all()]


class RoomingForm(forms.Form):
    file = forms.FileField(
        label="Rooming list (CSV)",
        help_text="Columns: guestName, email, phone, checkIn, checkOut, adults, "
        "childrenAges (e.g. 5;8), notes. Dates default to the block's.",
    )


def _form_errors(form: forms.Form, exc: ValidationFailed) -> None:
    for name, problems in (exc.details.get("fields") or {}).items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, f"{name}: {problem}")


def _detail_url(code: str) -> str:
    return reverse("admin:backoffice_block") + f"?code={code}"


def blocks_view(request):
    """The blocks, newest stays first, and (for the desk) the create form."""
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            block = services.block_create(
                code=data["code"],
                name=data["name"],
                room_type=data["roomType"],
                start=data["start"],
                end=data["end"],
                units_per_night=data["unitsPerNight"],
                rate=data["rate"],
                rate_plan=data["ratePlan"] or None,
                release_date=data["releaseDate"],
                notes=data["notes"],
                **who(request),
            )
        except ValidationFailed as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            short = ", ".join(n["night"] for n in (exc.details or {}).get("nights", [])[:10])
            form.add_error(None, exc.message + (f" ({short})" if short else ""))
        else:
            messages.success(request, f"Block {block.code} holds its rooms.")
            return HttpResponseRedirect(_detail_url(block.code))
    blocks = selectors.blocks_list()
    context = base_context(
        request,
        title="Group blocks",
        blocks=[{"block": b, "url": _detail_url(b.code), "rate": money(b.rate)} for b in blocks],
        form=form,
    )
    return TemplateResponse(request, "admin/backoffice/blocks.html", context)


def block_view(request):
    """One block: pickup per night; POST action=release|rooming."""
    try:
        block = selectors.block_get(request.GET.get("code", ""), consistent=True)
    except BlockNotFound:
        messages.error(request, "No such group block.")
        return HttpResponseRedirect(reverse("admin:backoffice_blocks"))
    upload = RoomingForm()
    problems: list[dict] = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "release":
            try:
                block, nights = services.block_release(code=block.code, **who(request))
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"Block {block.code} released ({nights} night(s)).")
                return HttpResponseRedirect(_detail_url(block.code))
        elif action == "rooming":
            upload = RoomingForm(request.POST, request.FILES)
            if upload.is_valid():
                try:
                    text = upload.cleaned_data["file"].read().decode("utf-8-sig")
                    result = rooming.rooming_list_import(code=block.code, text=text, **who(request))
                except UnicodeDecodeError:
                    upload.add_error("file", "The file must be UTF-8 text.")
                except DomainError as exc:
                    problems = (exc.details or {}).get("lines") or []
                    line = (exc.details or {}).get("line")
                    upload.add_error(None, exc.message + (f" (line {line})" if line else ""))
                else:
                    count = len(result.booking_ids)
                    messages.success(request, f"Imported {count} stay(s) from the rooming list.")
                    return HttpResponseRedirect(_detail_url(block.code))
    nights = selectors.block_nights(block, consistent=True)
    context = base_context(
        request,
        title=f"Block {block.code}",
        grp=block,  # not "block": templates name their {% block %} node so
        rate=money(block.rate),
        nights=[
            {"item": n, "free": n.units - n.picked, "label": selectors.pickup_label([n])}
            for n in nights
        ],
        picked=sum(n.picked for n in nights),
        units=sum(n.units for n in nights),
        held=block.status == HELD,
        due=block.releaseDate <= hotel_today(timezone.now()).isoformat(),
        upload=upload,
        problems=problems,
        list_url=reverse("admin:backoffice_blocks"),
    )
    return TemplateResponse(request, "admin/backoffice/block.html", context)
