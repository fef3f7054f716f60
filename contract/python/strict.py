"""What both contract files check every response with: pydantic's strict mode on the SDK's own
model, and the model's declared keys against the body's (a lax parse ignores unknown keys and
fills absent optional ones with UNSET, so a drift would otherwise go unseen)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, TypeAdapter
from polar_sdk import models

# Keys the emulator sends that polar-sdk 0.32.0's models do not declare: Polar added them after
# this client (first_user_event_at and a checkout's payment_method_type are in Polar's published
# document; the others are in spec/changes.yaml, with their sources). The client ignores them.
KNOWN_EXTRA_KEYS = {
    "first_user_event_at",
    "payment_method_type",
    "min_units",
    "max_units",
    # A license key's customer as a legacy user (Polar sends it, no document declares it) and its
    # member (spec/changes.yaml).
    "user_id",
    "user",
    "member_id",
    "member",
    "is_deletable",
    "units",
    "seats",
    "api_version",
    "uses_standard_webhook_signature",
    "start_timestamp",
    "end_timestamp",
    # An order's deprecated fields: hidden from Polar's schema (SkipJsonSchema in
    # server/polar/order/schemas.py) but sent, and required by @polar-sh/sdk 0.32's Order.
    "amount",
    "from_balance_amount",
    "product_price",
    "product_price_id",
    "user",
    "user_id",
    # A checkout's deprecated fields: hidden from Polar's schema (SkipJsonSchema in
    # server/polar/checkout/schemas.py CheckoutBase / Checkout) but sent.
    "customer_billing_address_fields",
    "customer_external_id",
    "subtotal_amount",
    # A price's deprecated `type` and `recurring_interval`, from its product (SkipJsonSchema in
    # server/polar/product/schemas.py ProductPriceBase): unknown to 0.32's one-time price models.
    "type",
    "recurring_interval",
    # A discount's per-customer limit: in Polar's published document (Discount*'s
    # `max_redemptions_per_customer`), added after this client.
    "max_redemptions_per_customer",
}

# Keys a model declares that Polar does not send, by the model's choice: a price carries the
# deprecated `type` Polar still sends (server/polar/product/schemas.py ProductPriceBase), so
# polar-sdk 0.32's price union loads a recurring product's price as LegacyRecurringProductPrice*,
# whose `legacy` defaults to true; Polar sends `legacy` only for prices that are legacy.
KNOWN_MISSING_KEYS = {"legacy"}


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} is not set: run this through test/contract-python.test.ts", returncode=2)
    return value


class Recorder:
    """An httpx response hook that keeps every response of the SDK's client."""

    def __init__(self) -> None:
        self.responses: list[httpx.Response] = []

    def __call__(self, response: httpx.Response) -> None:
        self.responses.append(response)


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def adapter(typ: Any) -> TypeAdapter[Any]:
    if typ not in _ADAPTERS:
        _ADAPTERS[typ] = TypeAdapter(typ)
    return _ADAPTERS[typ]


def key_drift(model: Any, raw: Any, where: str) -> list[str]:
    """Keys the model declares that the body lacks, and keys the body has that it does not know."""
    problems: list[str] = []
    if isinstance(model, BaseModel) and isinstance(raw, dict):
        declared = {f.alias or name for name, f in type(model).model_fields.items()}
        # An empty property bag ({}) matches whichever all-optional properties model comes first in
        # the SDK's union: its absent keys are the union's choice, not the emulator's omission.
        missing = set() if raw == {} else declared - raw.keys() - KNOWN_MISSING_KEYS
        extra = raw.keys() - declared - KNOWN_EXTRA_KEYS
        if missing:
            problems.append(f"{where} ({type(model).__name__}): missing {sorted(missing)}")
        if extra:
            problems.append(f"{where} ({type(model).__name__}): unknown {sorted(extra)}")
        for name, f in type(model).model_fields.items():
            key = f.alias or name
            if key in raw:
                problems += key_drift(getattr(model, name), raw[key], f"{where}.{key}")
    elif isinstance(model, list) and isinstance(raw, list):
        for index, (item, raw_item) in enumerate(zip(model, raw)):
            problems += key_drift(item, raw_item, f"{where}[{index}]")
    return problems


def strict_problems(typ: Any, text: str | bytes, label: str) -> list[str]:
    """Validates JSON in pydantic's strict mode and compares its keys with the model's fields."""
    try:
        parsed = adapter(typ).validate_json(text, strict=True)
    except Exception as error:  # the pydantic ValidationError, shown in full
        return [f"{label}: strict validation failed: {error}"]
    if typ is models.HTTPValidationErrorData:  # ctx is an open object in the schema
        return []
    return [f"{label}: {p}" for p in key_drift(parsed, json.loads(text), "$")]


def assert_recorded_strictly_valid(recorder: Recorder, response_type: Callable[[httpx.Response], Any]) -> None:
    """Every response recorded since the last call: the emulator's header, an empty 204, and the
    SDK's type for it (`response_type`, None for none) in strict mode without key drift."""
    problems: list[str] = []
    for response in recorder.responses:
        response.read()
        label = f"{response.request.method} {response.request.url} -> {response.status_code}"
        assert response.headers.get("x-polar-emulator", "").startswith("polar-emulator/"), label
        if response.status_code == 204:
            assert response.content == b"", label
            continue
        typ = response_type(response)
        if typ is None:
            continue
        assert response.headers["content-type"].startswith("application/json"), label
        problems += strict_problems(typ, response.text, label)
    recorder.responses.clear()
    assert not problems, "\n".join(problems)
