"""The booking page's bill forms: post a charge, take a payment, reverse a line, give an
allowance, move lines to a new folio, and the "paid at the desk" fields (amount, method,
reference) of a confirm. They only parse what the clerk typed; the rules (a line that cannot
be reversed, a closed day, an invoiced folio) are payments.folio.desk's.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms

from hotel.dynamo_admin.forms import MoneyField
from hotel.taxes import tax_rates
from payments.folio.lines import DESK_CATEGORIES
from payments.folio.models import CASH, DESK_METHODS, TERMINAL, TRANSFER

METHOD_LABELS = {CASH: "Cash", TERMINAL: "Card terminal", TRANSFER: "Bank transfer"}
CATEGORY_LABELS = {
    "minibar": "Minibar",
    "restaurant": "Restaurant / breakfast",
    "bar": "Bar",
    "laundry": "Laundry",
    "telephone": "Telephone",
    "damage": "Damage",
    "fee": "Fee",
    "other": "Other",
}
MAX_TEXT = 200
MAX_REFERENCE = 120
CENT = Decimal("0.01")


def method_choices() -> list[tuple[str, str]]:
    return [(m, METHOD_LABELS.get(m, m)) for m in DESK_METHODS]


def tax_choices() -> list[tuple[str, str]]:
    return [(name, f"{name} ({rate:g} %)") for name, rate in tax_rates().items()]


def _folio_field(folio_ids: list[str]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Folio",
        choices=[("", "The open folio"), *((f, f) for f in folio_ids)],
        required=False,
        initial="",
    )


class FolioForm(forms.Form):
    """A bill form: `currency` for its money fields, `folio_ids` for its folio choice."""

    id_prefix = "folio"

    def __init__(self, *args, currency: str, folio_ids: list[str], **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")  # several forms on one page
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.setup(currency, folio_ids)

    def setup(self, currency: str, folio_ids: list[str]) -> None:
        pass


class ChargeForm(FolioForm):
    id_prefix = "charge"

    description = forms.CharField(label="Description", max_length=MAX_TEXT)
    quantity = forms.IntegerField(label="Quantity", min_value=1, max_value=999, initial=1)
    category = forms.ChoiceField(
        label="Category", choices=[(c, CATEGORY_LABELS.get(c, c)) for c in DESK_CATEGORIES]
    )

    def setup(self, currency, folio_ids):
        self.fields["amount"] = MoneyField(
            currency=currency, label="Unit price", min_value=CENT, help_text="Tax included."
        )
        self.fields["tax_category"] = forms.ChoiceField(
            label="Tax", choices=tax_choices(), initial="standard"
        )
        self.fields["folio"] = _folio_field(folio_ids)
        self.order_fields(["description", "amount", "quantity", "category", "tax_category"])


class PaymentForm(FolioForm):
    id_prefix = "payment"

    method = forms.ChoiceField(label="Method", choices=method_choices)
    reference = forms.CharField(
        label="Reference",
        max_length=MAX_REFERENCE,
        required=False,
        help_text="Till, terminal slip or transfer reference.",
    )

    def setup(self, currency, folio_ids):
        self.fields["amount"] = MoneyField(currency=currency, label="Amount", min_value=CENT)
        self.fields["folio"] = _folio_field(folio_ids)
        self.order_fields(["amount", "method", "reference"])


class ReverseForm(FolioForm):
    id_prefix = "reverse"

    line = forms.CharField(label="Line", max_length=10)
    reason = forms.CharField(label="Reason", max_length=MAX_TEXT)


class AllowanceForm(FolioForm):
    id_prefix = "allowance"

    reason = forms.CharField(label="Reason", max_length=MAX_TEXT)

    def setup(self, currency, folio_ids):
        self.fields["amount"] = MoneyField(currency=currency, label="Amount", min_value=CENT)
        self.fields["tax_category"] = forms.ChoiceField(
            label="Tax", choices=tax_choices(), initial="standard"
        )
        self.fields["folio"] = _folio_field(folio_ids)
        self.order_fields(["amount", "reason", "tax_category"])


class SplitForm(FolioForm):
    """Lines (checkboxes in the bill's table) to a new folio for another payer."""

    id_prefix = "split"

    lines = forms.MultipleChoiceField(label="Lines")
    name = forms.CharField(label="Payer name", max_length=MAX_TEXT)
    company = forms.CharField(label="Company", max_length=MAX_TEXT, required=False)
    address = forms.CharField(
        label="Billing address",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )
    tax_id = forms.CharField(label="Tax id", max_length=40, required=False)
    email = forms.EmailField(label="Email", required=False)

    def __init__(self, *args, line_ids: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [(x, x) for x in line_ids]
        self.fields["lines"].error_messages["required"] = "Tick the lines to move."

    def payer(self) -> dict:
        data = self.cleaned_data
        payer = {"name": data["name"], "email": data.get("email") or ""}
        for key, field in (("company", "company"), ("address", "address"), ("taxId", "tax_id")):
            if data.get(field):
                payer[key] = data[field]
        return payer


class DeskPaymentFields(forms.Form):
    """What a "paid at the desk" confirm took: the amount (blank: what the guest owes once
    confirmed), the method and a reference."""

    paid_method = forms.ChoiceField(label="Paid by", choices=method_choices, initial=CASH)
    paid_reference = forms.CharField(label="Reference", max_length=MAX_REFERENCE, required=False)

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_amount"] = MoneyField(
            currency=currency,
            label="Amount taken",
            required=False,
            min_value=0,
            help_text="Blank: the whole bill once confirmed; 0: nothing taken now.",
        )
        self.order_fields(["paid_amount", "paid_method", "paid_reference"])
