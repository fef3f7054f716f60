"""Schemathesis hooks for the fuzz run of test/fuzz.test.ts (SCHEMATHESIS_HOOKS points here).

What they add to a plain `schemathesis run`, so that the run gets past validation errors and
404s to the code that builds customers, catalogs, subscriptions, grants, meters and states:

* `format: uuid4` (pydantic's, used for every id in Polar's spec) is unknown to schemathesis,
  which would fill ids with arbitrary strings: every request with an id would be a 422. Positive
  data gets version-4 UUIDs here: the ids the emulator holds, fresh random ones (404), and now and
  then another spelling pydantic accepts (upper case, no hyphens, braces, `urn:uuid:`), which the
  emulator must canonicalize.
* Ids of the right kind. A path such as `/v1/subscriptions/{id}` must get subscription ids, not
  product ids, or nearly every request is a 404 (schemathesis' `missing_test_data` warning). So
  before a positive request is sent, an id (path, query, and in the bodies below) that is not one
  the emulator holds of the kind the parameter names is replaced with one that is, written in
  the same spelling. Which kind each parameter names is derived, not kept by hand: the test
  reads it for every `id` parameter from the specs' paths (`RESOURCE_PATHS`, from
  POLAR_FUZZ_RESOURCE_PATHS: `/v1/customer-meters/{id}` takes `customer_meters`), and a query
  parameter `<kind>_id` takes the kind `<kind>s` (`_field_kind`); `ID_FIELDS` holds only the
  names that do not say their kind (`after`, `exclude_id`, `endpoint_id`, …). The
  choice follows the value itself (crc32), so the same case gets the same id every run; one
  value in four that the emulator never held is left as it is (a 404, a 422 or an empty list).
  The operations that change a subscription get one that has not ended, and the hooks start
  new ones (through the control plane) when fewer than MIN_LIVE_SUBSCRIPTIONS are left.
* `Held` keeps track of what the emulator holds: the ids the test passes, plus the objects later
  answers carry (what creates made, customers' new external ids, subscriptions that ended,
  members with their customer, external id and role), minus deleted customers and members; a
  reset (control plane) brings back the seed's ids.
* In the stateful phase, path parameters are left as they are: they come from earlier answers.
* Negative cases sometimes get a UUID of another version, or junk, where a uuid4 path or query
  parameter goes: pydantic's `uuid_version` and `uuid_parsing` errors, which schemathesis cannot
  aim at for a format it does not know.
* Bodies that can succeed, for positive cases. Each change is one a schema-valid request needs
  because Polar (and so the emulator) refuses it for a reason its JSON Schema cannot say:
  - `organization_id` is dropped from the public API's creates (customers, products, benefits,
    meters, ingested events): with an organization token Polar refuses any (422);
  - customers get an email address no customer has yet (the generators reuse a handful, `0@0.com`
    above all: 422 "already exists"); three updates in four set no external id and do not reset
    the billing address to null (Polar refuses both once they are set);
  - products (`_product`): a metered price names a meter the emulator holds and a unit amount
    Polar's Decimal takes, a custom price in usd a minimum of $0.50, one price at least is in the
    organization's currency (usd), the trial's interval and count come together, and three times in
    four `attached_custom_fields` is left out (the emulator holds no custom fields);
  - a meter-credit benefit names a meter the emulator holds; `POST /v1/products/{id}/benefits`
    attaches benefits it holds;
  - product updates (`_product_update`), three in four: the recurring interval left out (it never
    changes), no archiving, a trial only on a recurring product, and prices as `_product` makes
    them, without existing ones (no price id is held), one static and one metered at most, in usd;
  - benefit updates (`_benefit_update`), three in four: the benefit's own type (asked of the
    emulator; it never changes) without another type's properties, a held meter for a meter
    credit, no GitHub properties (refused with an organization token);
  - meter updates, three in four: no filter or aggregation (fixed once an event matches, and the
    seed's meters have some), no archiving (refused while a price or a benefit uses the meter);
  - `GET /v1/meters/{id}/quantities`, three in four: aware datetimes, a start from 2023 on and an
    end after it, no further than the interval allows; `GET /v1/benefits/{id}/files` names a
    downloadables benefit (another type is a 404) three times in four;
  - `PATCH /v1/subscriptions/{id}` keeps the kinds of update the emulator does not emulate
    (product, discount, trial, seats, billing period, pause; a 422 that says so) one time in four;
  - `GET /v1/events/` (`_event_list_query`): `filter` is JSON text of a meter filter (any string in
    the spec) three times in four, and `query` comes with the `organization_id` filter Polar
    requires for it and at least 3 characters;
  - `PATCH /v1/organizations/{id}` (`_organization_update`): URLs are http(s) ones, embed hosts
    hosts, the email an address email-validator takes; no dispute threshold (auto-accept is off),
    no SSO enforcement (an organization token cannot), no currency but usd (the products' prices),
    and seat-based pricing left alone (it needs the member model, and cannot be turned off);
  - `POST /v1/subscriptions/` names a free recurring product (`free_products`: a paid one needs a
    checkout, a 422) and a customer held;
  - members: they are added to team customers (`team_customers`; an individual customer has its
    owner only, a 403), with an email and an external id no member has; the other member
    operations name a member of a team customer that is not its owner (`team_members`, topped up
    through the API when fewer than MIN_TEAM_MEMBERS are left, or fewer than two with external
    ids) together with its customer, by ids or by external ids (`_member`); a new member gets a
    new external id one time in two (always when it has one), an update a new email three times
    in four;
  - checkouts (`_checkout_create`, `_checkout_change`): products held that are not archived, the
    selected price deciding whether an amount (custom, within its bounds) or seats (seat-based,
    within its tiers and the checkout's bounds) may come, a discount that applies, a valid IP
    address; updates and the checkout page name an open checkout (`open_checkouts`, topped up
    through the API) and one of its own products; a confirmation gets a checkout made for it, an
    email, a full billing address and a card that pays; the organization keeps several
    subscriptions per customer allowed;
  - `POST /v1/customer-sessions/`: a customer held (by id or external id) and, for a team, one of
    its members (`_customer_session`);
  - the portal's member removal names a member of the portal's team (topped up through the API);
    the activation read names an activation with its own key (topped up by activating the portal
    customer's keys), and the portal's activation one of that customer's keys; the invoice read
    names an order with an invoice, its generation one with a billing name and address;
  - `GET /v1/subscriptions/export` gets a time zone `ZoneInfo` knows three times in four;
  - the control plane's bodies name customers, products (recurring ones, for subscriptions),
    benefits and subscriptions the emulator holds; a `subscription_id` comes with its customer,
    a `trial_end` with `status: trialing`;
  - fixtures (`POST /_emulator/organizations/{id}/fixtures`): valid dates (`FixtureDate` is any
    string in the spec), no `organizations` (boot fixtures only), no other organization's id, a
    customer's `members` valid ones when the fixture turns the member model on (else none), and
    at most 5 generated customers, events per customer and repeats of an event: the spec allows
    10,000 customers (about 2 s and 7 MB answered per load), which would take most of the run;
  - the scenario operations (fixtures, resets, snapshots) work on a small organization the test
    makes (POLAR_FUZZ_SNAPSHOT_ORGANIZATION) five times in six, the default one otherwise; half
    of the positive restores (`PUT …/snapshot`) send that organization's real snapshot (as JSON)
    instead of a generated one, which no generated record passes; the organization is put back
    as it was after a fixture is loaded into it or a reset removes it.
* Bodies served as `application/yaml` are read as YAML 1.2 (what the emulator writes), except
  where the spec declares `type: string` (the control plane's copies of the specs): those are
  taken as the text they are, where schemathesis would compare the parsed mapping with
  `type: string` (a failure of the tool, not of the emulator).
* Webhooks: endpoints created or updated by the run point at the test's own receiver (200) or at a
  closed port (POLAR_FUZZ_WEBHOOK_URLS), never at a host out there; ids of endpoints, webhook
  events and deliveries are held like the others (`after` on the deliveries and wait paths names a
  delivery); before a redelivery the hooks take the webhook events the log holds then, making one
  (an endpoint and an event, POLAR_FUZZ_TOKEN) when a reset or a clear left none;
  `POST /_emulator/webhooks/send` gets an object of the kind its event type is about;
  a wait (`GET /_emulator/webhooks/wait`) waits 50 ms at most, enough to see its 408, and three
  positive waits in four drop their filters, so that they find a delivery (a 200).
* `polar_status_code_conformance`: see `POLAR_STATUSES` below.

The test passes the ids in POLAR_FUZZ_IDS (what the run starts with) and POLAR_FUZZ_BOOT_IDS (the
seed's, what a reset brings back), JSON objects by kind (see `Held.load`): one kind per collection
section of a snapshot (the registry's SNAPSHOT_SECTIONS in src/resources/index.ts: `customers`,
`benefit_grants`, `events` for usage events, …), plus those the test adds (`recurring_products`, `one_time_products`,
`webhook_endpoints`, `webhook_events`, `deliveries`, `journal_events`, `organizations`,
`free_products`, `team_customers`, and `members` with their customer, external id and role; see
`heldIds` in test/fuzz.test.ts); and the kind of each operation's `id` in
POLAR_FUZZ_RESOURCE_PATHS (label → kind). A resource added to the registry thus gets real ids
without an edit here. Without these variables the strategies fall back to random values.
POLAR_FUZZ_URL is the emulator's base URL (for the hooks' own control-plane calls). Everything
here is deterministic for a given seed and emulator state: no wall clock, no `hash()` (salted
per process), kinds and ids in the order the test passes them (dicts, never sets, to choose
from), and the run uses one worker.
"""

from __future__ import annotations

import copy
import datetime
import ipaddress
import itertools
import json
import os
import re
import urllib.request
import uuid
import zlib
from decimal import Decimal
from typing import Any

import schemathesis
import yaml
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance


def _canonical(value: Any) -> str | None:
    """The canonical spelling of a UUID in any spelling pydantic accepts, else None."""
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _ids_from_env(name: str) -> dict[str, Any]:
    raw = os.environ.get(name, "")
    return json.loads(raw) if raw else {}


def _is_free(product: dict[str, Any]) -> bool:
    """A product `POST /v1/subscriptions/` takes: its default price (not a metered one) is free."""
    prices = [price for price in product.get("prices") or [] if isinstance(price, dict)]
    static = [price for price in prices if price.get("amount_type") != "metered_unit"]
    return bool(static) and static[0].get("amount_type") == "fixed" and static[0].get("price_amount") == 0


class Held:
    """What the emulator holds, as far as the run can tell: the ids the test passed, plus the objects
    later answers carried (creates, lists, changes), minus the customers deleted since. Ordered
    (insertion order), so that the choices made from it are the same every run."""

    # The kinds whose ids come with more than a list (the rest are lists, each kind the test passes).
    SPECIAL = ("customers", "subscriptions", "members", "scenario_organizations", "checkout_sessions")

    def __init__(self, ids: dict[str, Any]) -> None:
        self.load(ids)

    def load(self, ids: dict[str, Any]) -> None:
        self.version = 0
        self._cache: dict[str, tuple[int, list[str], frozenset[str]]] = {}
        # Every kind the test passes (a snapshot section of the registry, or one of heldIds' own), in
        # the order it passes them.
        self.simple: dict[str, dict[str, None]] = {
            kind: dict.fromkeys(_canonical(item) or item for item in items)
            for kind, items in ids.items()
            if kind not in self.SPECIAL
        }
        # The organizations the scenario operations (fixtures, resets, snapshots) name, a list in which
        # an organization may come several times (to be chosen more often).
        self.scenario_organizations: list[str] = list(ids.get("scenario_organizations", ids.get("organizations", [])))
        # customer id → external id (or None), live customers only
        self.customers: dict[str, str | None] = dict(ids.get("customers", {}))
        # subscription id → (customer id, ended)
        self.subscriptions: dict[str, tuple[str, bool]] = {
            key: (value["customer"], bool(value["ended"])) for key, value in ids.get("subscriptions", {}).items()
        }
        # member id → (customer id, external id or None, role), live members only
        self.members: dict[str, tuple[str, str | None, str]] = {
            key: (value["customer"], value.get("external_id"), value.get("role", "member"))
            for key, value in ids.get("members", {}).items()
        }
        # checkout id → what the checkout operations need of it: its client secret, status, products,
        # selected price, seat bounds (see `_checkout_entry`)
        self.checkouts: dict[str, dict[str, Any]] = dict(ids.get("checkout_sessions", {}))

    def kinds(self) -> list[str]:
        """Every kind held, those derived from others (`external_customer_ids`, `live_subscriptions`) too."""
        return [
            *self.simple,
            "customers",
            "external_customer_ids",
            "subscriptions",
            "live_subscriptions",
            "members",
            "team_members",
            "team_external_ids",
            "checkout_products",
            "open_checkouts",
            "checkout_secrets",
            "open_checkout_secrets",
        ]

    @property
    def organization_id(self) -> str | None:
        return next(iter(self.simple.get("organizations", {})), None)

    def changed(self) -> None:
        self.version += 1

    def pool(self, kind: str) -> tuple[list[str], frozenset[str]]:
        cached = self._cache.get(kind)
        if cached and cached[0] == self.version:
            return cached[1], cached[2]
        if kind == "customers":
            items = list(self.customers)
        elif kind == "external_customer_ids":
            items = [external for external in self.customers.values() if external]
        elif kind == "scenario_organizations":
            items = self.scenario_organizations
        elif kind == "members":
            items = [key for key, (customer, _, _) in self.members.items() if customer in self.customers]
        elif kind == "team_members":
            # Members of team customers other than their owners: what updates and deletes can work on.
            teams = self.simple.get("team_customers", {})
            items = [
                key
                for key, (customer, _, role) in self.members.items()
                if customer in teams and customer in self.customers and role != "owner"
            ]
        elif kind == "team_customers":
            items = [key for key in self.simple.get("team_customers", {}) if key in self.customers]
        elif kind == "team_external_ids":
            teams = self.simple.get("team_customers", {})
            items = [external for key, external in self.customers.items() if key in teams and external]
        elif kind == "checkout_products":
            items = [*self.simple.get("one_time_products", {}), *self.simple.get("recurring_products", {})]
        elif kind in ("open_checkouts", "checkout_secrets", "open_checkout_secrets"):
            items = [
                entry["client_secret"] if kind.endswith("secrets") else key
                for key, entry in self.checkouts.items()
                if entry["status"] == "open" or kind == "checkout_secrets"
            ]
        elif kind in ("subscriptions", "live_subscriptions"):
            items = [
                key
                for key, (customer, ended) in self.subscriptions.items()
                if customer in self.customers and not (ended and kind == "live_subscriptions")
            ]
        else:
            items = list(self.simple.get(kind, {}))
        self._cache[kind] = (self.version, items, frozenset(items))
        return items, frozenset(items)

    def all_uuids(self) -> list[str]:
        kinds = [*self.simple, "customers", "subscriptions", "members"]
        return sorted({item for kind in kinds for item in self.pool(kind)[0]})

    def add(self, kind: str, value: str) -> None:
        held = self.simple.setdefault(kind, {})
        if value not in held:
            held[value] = None
            self.changed()

    def seen(self, item: dict[str, Any]) -> None:
        """Takes in an object an answer carried (a customer, a subscription, a product, …)."""
        identifier = _canonical(item.get("id"))
        organization = item.get("organization_id")
        if identifier is None or (organization is not None and organization != self.organization_id):
            return
        if item.get("role") == "owner" and "email" in item:
            # A member made its team's owner (an ownership transfer) cannot be removed: Polar's 422.
            self.forget("customer_portal_members", identifier)
        if {"client_secret", "status", "expires_at", "product_price"} <= item.keys():
            entry = _checkout_entry(item)
            if self.checkouts.get(identifier) != entry:
                self.checkouts[identifier] = entry
                self.changed()
            return
        if {"license_key_id", "label", "meta", "license_key"} <= item.keys() and isinstance(item["license_key"], dict):
            key = item["license_key"].get("key")
            if isinstance(key, str):
                self.add("license_key_activation_pairs", f"{identifier}|{item['license_key_id']}|{key}")
            return
        if {"email", "external_id", "billing_address"} <= item.keys():
            if item.get("deleted_at") is None and self.customers.get(identifier, "") != item["external_id"]:
                self.customers[identifier] = item["external_id"]
                self.changed()
            if item.get("deleted_at") is None and item.get("type") == "team":
                self.add("team_customers", identifier)
        elif {"customer_id", "email", "role", "external_id"} <= item.keys():
            entry = (_canonical(item["customer_id"]) or "", item["external_id"], item["role"])
            if self.members.get(identifier) != entry:
                self.members[identifier] = entry
                self.changed()
        elif {"status", "customer_id", "product_id", "current_period_start"} <= item.keys():
            entry = (item["customer_id"], item.get("ended_at") is not None or item["status"] in ("canceled", "unpaid"))
            if self.subscriptions.get(identifier) != entry:
                self.subscriptions[identifier] = entry
                self.changed()
        elif {"prices", "is_recurring"} <= item.keys():
            PRODUCT_PRICES[identifier] = _first_static_price(item)
            self.add("products", identifier)
            if item["is_recurring"] and not item.get("is_archived"):
                self.add("recurring_products", identifier)
                if _is_free(item):
                    self.add("free_products", identifier)
            elif not item.get("is_archived"):
                self.add("one_time_products", identifier)
            else:
                self.forget("recurring_products", identifier)
                self.forget("free_products", identifier)
                self.forget("one_time_products", identifier)
        elif {"type", "properties", "selectable"} <= item.keys() or {"type", "properties", "deletable"} <= item.keys():
            self.add("benefits", identifier)
        elif {"filter", "aggregation"} <= item.keys():
            self.add("meters", identifier)
        elif {"duration", "redemptions_count", "type"} <= item.keys():
            DISCOUNTS[identifier] = item
            self.add("discounts", identifier)
        elif {"meter_id", "customer_id", "consumed_units"} <= item.keys():
            self.add("customer_meters", identifier)
        elif {"url", "secret", "events", "format"} <= item.keys():
            self.add("webhook_endpoints", identifier)
        elif {"payload", "attempts", "status", "endpoint_id"} <= item.keys():
            self.add("webhook_events", identifier)
        elif {"webhook_event_id", "attempt", "kind", "request"} <= item.keys():
            self.add("deliveries", identifier)
            event_id = _canonical(item["webhook_event_id"])
            if event_id is not None:
                self.add("webhook_events", event_id)
        elif {"webhook_event", "http_code", "succeeded"} <= item.keys() and isinstance(item["webhook_event"], dict):
            event_id = _canonical(item["webhook_event"].get("id"))
            if event_id is not None:
                self.add("webhook_events", event_id)

    def forget(self, kind: str, identifier: str | None) -> None:
        """An object deleted (`DELETE …/{id}` answered 2xx): its id leaves its kind."""
        held = self.simple.get(kind, {})
        if identifier is not None and identifier in held:
            del held[identifier]
            self.changed()

    def deleted_member(self, identifier: str | None = None, externals: tuple[str, str] | None = None) -> None:
        """A member deleted, by its id, or by its customer's external id and its own."""
        for key, (customer, external, _) in list(self.members.items()):
            if key == identifier or (externals is not None and (self.customers.get(customer), external) == externals):
                del self.members[key]
                self.changed()

    def deleted_customer(self, identifier: str | None = None, external_id: str | None = None) -> None:
        for key, external in list(self.customers.items()):
            if key == identifier or (external_id is not None and external == external_id):
                del self.customers[key]
                self.changed()


def _checkout_entry(item: dict[str, Any]) -> dict[str, Any]:
    """What the hooks keep of a checkout (Checkout or CheckoutPublic, as answered)."""
    return {
        "client_secret": item["client_secret"],
        "status": item["status"],
        "products": [product["id"] for product in item.get("products") or [] if isinstance(product, dict)],
        "price": item.get("product_price") if isinstance(item.get("product_price"), dict) else {},
        "min_seats": item.get("min_seats"),
        "max_seats": item.get("max_seats"),
    }


BOOT = _ids_from_env("POLAR_FUZZ_BOOT_IDS")
# A small organization for the snapshot restores (see `_body`), and its snapshot as the run starts.
SNAPSHOT_ORGANIZATION = os.environ.get("POLAR_FUZZ_SNAPSHOT_ORGANIZATION")
HELD = Held(_ids_from_env("POLAR_FUZZ_IDS"))
BASE_URL = os.environ.get("POLAR_FUZZ_URL", "").rstrip("/")


def _respell(value: str, how: int) -> str:
    """`value`, a canonical UUID, in one of the spellings pydantic accepts."""
    return [value, value.upper(), value.replace("-", ""), "{" + value + "}", "urn:uuid:" + value][how]


def _spelling(value: str) -> int:
    """Which of `_respell`'s spellings `value` is written in."""
    if value.lower().startswith("urn:uuid:"):
        return 4
    if value.startswith("{"):
        return 3
    if "-" not in value:
        return 2
    if value != value.lower():
        return 1
    return 0


def _with_version(value: uuid.UUID, version: int) -> str:
    return str(uuid.UUID(int=(value.int & ~(0xF << 76)) | (version << 76)))


# The canonical spelling 2 times in 3, each other one 1 time in 12.
_SPELLINGS = st.sampled_from([0] * 8 + [1, 2, 3, 4])
_RANDOM_V4 = st.uuids(version=4).map(str)
_ALL_HELD = HELD.all_uuids()
_ALL_HELD_SET = frozenset(_ALL_HELD)
_V4 = st.one_of(st.sampled_from(_ALL_HELD), _RANDOM_V4) if _ALL_HELD else _RANDOM_V4

schemathesis.openapi.format("uuid4", st.builds(_respell, _V4, _SPELLINGS))

_OTHER_VERSION = st.builds(
    _respell, st.builds(_with_version, st.uuids(), st.sampled_from([1, 3, 5, 6, 7, 8])), _SPELLINGS
)
# In a path, junk must stay one non-empty segment that no client rewrites ("", ".", "..", "a/b").
NOT_UUID4 = {
    "path": st.one_of(
        _OTHER_VERSION,
        st.sampled_from(["0", "null", "00000000-0000-0000-0000-000000000000", "not-a-uuid"]),
        st.from_regex(r"[0-9A-Za-z_~{}:-]{1,40}", fullmatch=True),
    ),
    "query": st.one_of(
        _OTHER_VERSION,
        st.sampled_from(["", "0", "null", "00000000-0000-0000-0000-000000000000", "not-a-uuid"]),
        st.text(max_size=40),
    ),
}


def _mentions_uuid4(schema: Any) -> bool:
    if isinstance(schema, dict):
        return schema.get("format") == "uuid4" or any(_mentions_uuid4(value) for value in schema.values())
    if isinstance(schema, list):
        return any(_mentions_uuid4(item) for item in schema)
    return False


def _uuid4_parameters(case: schemathesis.Case) -> list[tuple[str, str]]:
    """(location, name) of the path and query parameters the case carries that are uuid4s."""
    found = []
    for parameter in case.operation.iter_parameters():
        location = parameter.location.value
        container = {"path": case.path_parameters, "query": case.query}.get(location)
        if container and parameter.name in container and _mentions_uuid4(parameter.definition.get("schema")):
            found.append((location, parameter.name))
    return found


@schemathesis.hook
def flatmap_case(context: schemathesis.HookContext, case: schemathesis.Case) -> st.SearchStrategy:
    """Fuzzing and stateful phases: half of the negative cases get a wrong UUID in one uuid4 parameter."""
    meta = case.meta
    targets = _uuid4_parameters(case) if meta is not None and meta.generation.mode.is_negative else []
    if not targets:
        return st.just(case)

    def with_wrong_uuid(target: tuple[str, str], value: str) -> schemathesis.Case:
        location, name = target
        if location == "path":
            case.path_parameters = {**case.path_parameters, name: value}
        else:
            case.query = {**case.query, name: value}
        return case

    wrong = st.sampled_from(targets).flatmap(
        lambda target: NOT_UUID4[target[0]].map(lambda value: with_wrong_uuid(target, value))
    )
    return st.one_of(st.just(case), wrong)


# --- Ids of the right kind -----------------------------------------------------------------------

# The kind of object the `id` parameter of an operation names (in its path, or the filter by ids of
# a list), by operation label: the test derives it from both specs and the kinds it holds
# (POLAR_FUZZ_RESOURCE_PATHS, see `resourcePaths` in test/fuzz.test.ts), so that a resource added to
# the registry gets ids here without an entry. What the specs cannot say: the operations that
# change a subscription (any but a GET) want one that has not ended (`live_subscriptions`).
LIVE_KINDS = {"subscriptions": "live_subscriptions"}
RESOURCE_PATHS: dict[str, str] = {
    label: kind if label.startswith("GET ") else LIVE_KINDS.get(kind, kind)
    for label, kind in json.loads(os.environ.get("POLAR_FUZZ_RESOURCE_PATHS") or "{}").items()
    if kind
}
# The kind a query parameter names, by name, where the name does not say it (`<kind>_id` names the
# kind `<kind>s` when one is held, see `_field_kind`: `customer_id`, `meter_id`, `organization_id`).
ID_FIELDS: dict[str, str] = {
    "exclude_id": "benefits",
    "after": "journal_events",  # GET /_emulator/events (the domain events' journal)
    "external_customer_id": "external_customer_ids",
    "endpoint_id": "webhook_endpoints",
}
# `after` names a delivery on these paths (an event elsewhere).
DELIVERY_CURSOR_PATHS = ("/_emulator/webhooks/deliveries", "/_emulator/webhooks/wait")
# Where webhook endpoints of the run point: a receiver that answers 200, and a closed port.
WEBHOOK_URLS: list[str] = json.loads(os.environ.get("POLAR_FUZZ_WEBHOOK_URLS") or "[]")
# The kind of object `POST /_emulator/webhooks/send` needs, by the event type's family.
SEND_KINDS = {
    "customer": "customers",
    "member": "members",
    "subscription": "subscriptions",
    "product": "products",
    "benefit": "benefits",
    "discount": "discounts",
    "order": "orders",
    "refund": "refunds",
}
# Members are added to team customers (an individual one has its owner only: 403), by id or by
# external id; the other member operations name a member and its customer together (see `_member`).
MEMBER_CREATES = {
    "POST /v1/customers/{id}/members": ("id", "team_customers"),
    "POST /v1/customers/external/{external_id}/members": ("external_id", "team_external_ids"),
}
# Members of team customers the hooks add (through the API) when fewer are left to update or delete.
MIN_TEAM_MEMBERS = 5
# Time zones `GET /v1/subscriptions/export` takes (`ZoneInfo` names; the spec says any string).
TIME_ZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Etc/GMT+5")
# Subscriptions started by the hooks when too few are left that are not ended (see `_pick`).
MIN_LIVE_SUBSCRIPTIONS = 5


def _field_kind(name: str) -> str | None:
    """The kind of id a query parameter named `name` takes: ID_FIELDS', else `<kind>s` for `<kind>_id`."""
    if name in ID_FIELDS:
        return ID_FIELDS[name]
    if name.endswith("_id") and f"{name[:-3]}s" in HELD.kinds():
        return f"{name[:-3]}s"
    return None


def _crc(value: Any) -> int:
    return zlib.crc32(json.dumps(value, sort_keys=True, default=str).encode("utf-8", "surrogatepass"))


def _control(path: str, body: Any = None, method: str = "POST") -> Any:
    """A control-plane call of the hooks' own (not a test case); None when it fails."""
    if not BASE_URL:
        return None
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{BASE_URL}{path}", data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())
    except Exception:  # noqa: BLE001 - refused or unreachable: the case keeps what it has
        return None


def _start_subscriptions() -> None:
    """Tops the subscriptions that are not ended up to MIN_LIVE_SUBSCRIPTIONS, through the control plane."""
    customers, _ = HELD.pool("customers")
    products, _ = HELD.pool("recurring_products")
    for attempt in range(2 * MIN_LIVE_SUBSCRIPTIONS):
        if len(HELD.pool("live_subscriptions")[0]) >= MIN_LIVE_SUBSCRIPTIONS or not customers or not products:
            return
        serial = HELD.version + attempt
        answer = _control(
            "/_emulator/subscriptions",
            {"customer_id": customers[serial % len(customers)], "product_id": products[serial % len(products)]},
        )
        if isinstance(answer, dict) and isinstance(answer.get("subscription"), dict):
            HELD.seen(answer["subscription"])


TOKEN = os.environ.get("POLAR_FUZZ_TOKEN", "")


def _api(path: str, body: Any) -> Any:
    """A public API call of the hooks' own, with the default organization's token; None when it fails."""
    if not BASE_URL or not TOKEN:
        return None
    request = urllib.request.Request(f"{BASE_URL}{path}", data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", f"Bearer {TOKEN}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())
    except Exception:  # noqa: BLE001 - refused: the case keeps what it has
        return None


PORTAL_TOKEN = os.environ.get("POLAR_FUZZ_PORTAL_TOKEN") or ""


def _portal_card(token: str) -> Any:
    """A card the portal's customer saves (`POST /v1/customer-portal/customers/me/payment-methods`,
    with its customer session), from a Stripe test token; None when it fails."""
    if not BASE_URL or not PORTAL_TOKEN:
        return None
    body = {"confirmation_token_id": token, "set_default": False, "return_url": "https://example.com/billing"}
    path = "/v1/customer-portal/customers/me/payment-methods"
    request = urllib.request.Request(f"{BASE_URL}{path}", data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", f"Bearer {PORTAL_TOKEN}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())
    except Exception:  # noqa: BLE001 - refused: the case keeps what it has
        return None


def _portal_get(path: str) -> Any:
    """A customer portal read of the hooks' own, with the portal's customer session; None when it fails."""
    if not BASE_URL or not PORTAL_TOKEN:
        return None
    request = urllib.request.Request(f"{BASE_URL}{path}", method="GET")
    request.add_header("Authorization", f"Bearer {PORTAL_TOKEN}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())
    except Exception:  # noqa: BLE001 - refused (a 404): the case keeps what it has
        return None


def _api_get(path: str) -> Any:
    """A public API read of the hooks' own, with the default organization's token; None when it fails."""
    if not BASE_URL or not TOKEN:
        return None
    request = urllib.request.Request(f"{BASE_URL}{path}", method="GET")
    request.add_header("Authorization", f"Bearer {TOKEN}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())
    except Exception:  # noqa: BLE001 - refused (a 404): the case keeps what it has
        return None


def _top_up_seats() -> None:
    """Seats again when none is held (a reset brings back the seed, which has none): those of the
    default organization's seat-based subscriptions, else one assigned to the first that has room."""
    if HELD.pool("customer_seats")[0]:
        return
    answer = _api_get("/v1/subscriptions/?limit=100")
    items = answer.get("items", []) if isinstance(answer, dict) else []
    seated = [item["id"] for item in items if item.get("seats") is not None and item.get("status") in ("active", "trialing")]
    for subscription_id in seated:
        listed = _api_get(f"/v1/customer-seats?subscription_id={subscription_id}")
        for seat in listed.get("seats", []) if isinstance(listed, dict) else []:
            HELD.add("customer_seats", seat["id"])
    for subscription_id in seated:
        if HELD.pool("customer_seats")[0]:
            return
        seat = _api("/v1/customer-seats", {"subscription_id": subscription_id, "email": _unique_email("seat@example.com")})
        if isinstance(seat, dict) and "id" in seat:
            HELD.add("customer_seats", seat["id"])


def _pending_seat(serial: int) -> tuple[str, str] | None:
    """A pending seat of the portal customer's seat subscription and its invitation token, asked of
    the emulator now (claims use tokens up, revocations end seats), a new seat assigned when none is
    left; None when that fails."""
    subscriptions, _ = HELD.pool("seat_subscriptions")
    if not subscriptions:
        return None
    subscription_id = subscriptions[0]
    listed = _api_get(f"/v1/customer-seats?subscription_id={subscription_id}")
    seats = listed.get("seats", []) if isinstance(listed, dict) else []
    pending = [seat["id"] for seat in seats if seat.get("status") == "pending"]
    if not pending:
        seat = _api("/v1/customer-seats", {"subscription_id": subscription_id, "email": _unique_email("pending@example.com")})
        if isinstance(seat, dict) and "id" in seat:
            pending = [seat["id"]]
    if not pending:
        return None
    seat_id = pending[serial % len(pending)]
    invitation = _control(f"/_emulator/customer-seats/{seat_id}/invitation", method="GET")
    token = invitation.get("invitation_token") if isinstance(invitation, dict) else None
    return (seat_id, token) if isinstance(token, str) else None


# Operations that want a pending seat (a re-sent invitation) or a live invitation token (claims).
PENDING_SEAT_PATHS = ("/v1/customer-seats/{seat_id}/resend", "/v1/customer-portal/seats/{seat_id}/resend")


def _benefit_type(identifier: Any) -> str | None:
    """The type of a benefit the emulator holds (asked of it), or None."""
    canonical = _canonical(identifier)
    if canonical is None:
        return None
    answer = _api_get(f"/v1/benefits/{canonical}")
    return answer.get("type") if isinstance(answer, dict) else None


def _downloadables() -> list[str]:
    """The downloadables benefits the emulator holds now, newest first (the only ones with files)."""
    answer = _api_get("/v1/benefits/?type=downloadables&limit=100")
    items = answer.get("items", []) if isinstance(answer, dict) else []
    return [item["id"] for item in items if isinstance(item, dict) and _canonical(item.get("id"))]


def _refresh_webhook_events() -> None:
    """Holds the webhook events the emulator's log has now; when it has none (a reset removed the
    endpoints, or the log was cleared), makes one: an endpoint at the run's receiver and a
    `customer.state_changed` for it to carry."""
    answer = _control("/_emulator/webhooks/events?limit=50", method="GET")
    items = answer.get("items", []) if isinstance(answer, dict) else []
    if not items and WEBHOOK_URLS:
        customers, _ = HELD.pool("customers")
        status = _control("/_emulator/webhooks", method="GET")
        endpoints = status.get("endpoints", []) if isinstance(status, dict) else []
        if not any(endpoint.get("organization_id") == HELD.organization_id for endpoint in endpoints):
            _api(
                "/v1/webhooks/endpoints",
                {"url": WEBHOOK_URLS[0], "format": "raw", "events": ["customer.state_changed"]},
            )
        if customers:
            _control(f"/_emulator/customers/{customers[0]}/state-changed")
        answer = _control("/_emulator/webhooks/events?limit=50", method="GET")
        items = answer.get("items", []) if isinstance(answer, dict) else []
    for item in items:
        identifier = _canonical(item.get("id"))
        if identifier is not None:
            HELD.add("webhook_events", identifier)


_PICK_SERIAL = itertools.count()


def _pick(kind: str, value: Any, *, always: bool = False, vary: bool = False) -> Any:
    """`value`, or three times in four (always, with `always`) a held id of `kind` in its spelling.

    The choice follows the value, so that the same case gets the same id every run; with `vary`, it
    also follows a counter, for a phase that sends one value with many cases (always held then)."""
    if kind == "live_subscriptions" and len(HELD.pool(kind)[0]) < MIN_LIVE_SUBSCRIPTIONS:
        _start_subscriptions()
    pool, held = HELD.pool(kind)
    if not pool or not isinstance(value, str):
        return value
    canonical = _canonical(value)
    if (canonical if canonical is not None else value) in held:
        return value
    checksum = _crc([value, next(_PICK_SERIAL)] if vary else value)
    # Kept: an id the emulator never held (404). Not one of another kind, or one gone since: the
    # uuid4 strategy draws from the same few held ids again and again.
    if checksum % 4 == 0 and not (always or vary) and canonical not in _ALL_HELD_SET:
        return value
    chosen = pool[(checksum // 4) % len(pool)]
    if kind == "external_customer_ids" or canonical is None:
        return chosen
    return _respell(chosen, _spelling(value))


# Taken once, as the run starts: a reset may remove the organization, and a restore brings it back.
SNAPSHOT = (
    _control(f"/_emulator/organizations/{SNAPSHOT_ORGANIZATION}/snapshot", method="GET")
    if SNAPSHOT_ORGANIZATION
    else None
)


def _restore_snapshot_organization() -> None:
    """Puts the snapshot organization back as it was when the run started (small: its snapshot is
    fast to take, to send and to check), or back at all after `POST /_emulator/reset`."""
    if SNAPSHOT:
        _control(f"/_emulator/organizations/{SNAPSHOT_ORGANIZATION}/snapshot", SNAPSHOT, method="PUT")


def _pick_each(kind: str, value: Any, *, always: bool = False) -> Any:
    if isinstance(value, list):
        return [_pick(kind, item, always=always) for item in value]
    return _pick(kind, value, always=always)


def _is_negative(case: schemathesis.Case, location: ParameterLocation) -> bool:
    meta = case.meta
    return meta is None or meta.is_negative_at(location)


_TOPPED = itertools.count(1)


def _activation_pair(value: Any, *, vary: bool = False) -> tuple[str, str, str] | None:
    """A held license key activation with its key, `(activation id, key id, key text)`, chosen by
    `value` three times in four (the fourth keeps what was generated: a 404)."""
    _top_up_activations()
    pool, _ = HELD.pool("license_key_activation_pairs")
    if not pool or not isinstance(value, str):
        return None
    checksum = _crc([value, next(_PICK_SERIAL)] if vary else value)
    if checksum % 4 == 0 and not vary:
        return None
    activation, key_id, key = pool[(checksum // 4) % len(pool)].split("|", 2)
    return activation, key_id, key


def _activation(parameters: dict[str, Any], *, vary: bool) -> None:
    """`GET /v1/license-keys/{id}/activations/{activation_id}`: an activation and its own key."""
    pair = _activation_pair(parameters["activation_id"], vary=vary)
    if pair is None:
        parameters["id"] = _pick("license_keys", parameters["id"], vary=vary)
        return
    activation, key_id, _ = pair
    parameters["activation_id"] = _respell(activation, _spelling(parameters["activation_id"])) if _canonical(
        parameters["activation_id"]
    ) else activation
    parameters["id"] = key_id


def _license_key_body(body: dict[str, Any], *, portal: bool = False) -> None:
    """`POST /v1/license-keys/{validate,activate,deactivate}` (and the portal's): a key the emulator
    holds, in its organization (the portal's: one of its customer's, else a 404); an
    `activation_id` with its own key, whenever one is held."""
    if "organization_id" in body:
        body["organization_id"] = _pick("organizations", body["organization_id"], always=True)
    # Varied per call: the coverage phase sends one generated activation id in every case, and a
    # choice by that value alone would keep the same 404 for all of them when it falls on "keep".
    pair = _activation_pair(body.get("activation_id"), vary=True) if "activation_id" in body else None
    if pair is not None:
        body["activation_id"], _, body["key"] = pair
    elif "key" in body:
        body["key"] = _pick("portal_license_key_texts" if portal else "license_key_texts", body["key"])


# The team customer whose owner's member session the portal's member operations run with.
PORTAL_TEAM = os.environ.get("POLAR_FUZZ_PORTAL_TEAM") or ""
# Members of that team (not its owner) the hooks keep for the portal to update and remove.
MIN_PORTAL_MEMBERS = 4


def _top_up_portal_members() -> None:
    """Adds members to the portal's team (through the API) when fewer than MIN_PORTAL_MEMBERS are left."""
    for _ in range(MIN_PORTAL_MEMBERS):
        if not PORTAL_TEAM or len(HELD.pool("customer_portal_members")[0]) >= MIN_PORTAL_MEMBERS:
            return
        serial = next(_TOPPED)
        answer = _api(
            f"/v1/customers/{PORTAL_TEAM}/members",
            {"email": f"portal-member{serial}@example.com", "external_id": f"portal_member_{serial}", "role": "member"},
        )
        if not isinstance(answer, dict) or _canonical(answer.get("id")) is None:
            return
        HELD.seen(answer)
        HELD.add("customer_portal_members", _canonical(answer["id"]) or "")


# Activations the hooks keep for `GET /v1/license-keys/{id}/activations/{activation_id}` and the
# deactivations (which remove them), made through the API when fewer are left.
MIN_ACTIVATIONS = 4


def _top_up_activations() -> None:
    """Activates license keys (through the API) when fewer than MIN_ACTIVATIONS activations are held:
    the portal customer's first, then any other the organization holds, as the run may revoke a
    key (its grant ends with a subscription the run cancels or revokes) or fill its activations."""
    portal, _ = HELD.pool("portal_license_key_texts")
    others = [key for key in HELD.pool("license_key_texts")[0] if key not in portal]
    keys = list(portal) + others
    for attempt in range(min(len(keys), 2 * MIN_ACTIVATIONS)):
        if len(HELD.pool("license_key_activation_pairs")[0]) >= MIN_ACTIVATIONS:
            return
        key = keys[(HELD.version + attempt) % len(keys)]
        answer = _api(
            "/v1/license-keys/activate",
            {"key": key, "organization_id": HELD.organization_id, "label": "fuzz hooks"},
        )
        if isinstance(answer, dict):
            HELD.seen(answer)


def _customer_session(body: dict[str, Any]) -> None:
    """`POST /v1/customer-sessions/`: a customer held (by id or external id) and, for a member session,
    one of its own members (by id or external id), as `_resolve_member` wants: a team customer needs
    one, any other member id is a 422. Seven times in eight."""
    if "customer_id" in body:
        body["customer_id"] = _pick("customers", body["customer_id"])
        customer = _canonical(body["customer_id"])
    elif "external_customer_id" in body:
        body["external_customer_id"] = _pick("external_customer_ids", body["external_customer_id"])
        external_id = body["external_customer_id"]
        customer = next((key for key, external in HELD.customers.items() if external == external_id), None)
    else:
        return
    if _crc(body) % 8 == 0 or customer is None:
        return
    members = [key for key, (owner, _, _) in HELD.members.items() if owner == customer]
    team = customer in HELD.pool("team_customers")[1]
    if "customer_id" in body:
        if members and (team or body.get("member_id") is not None):
            body["member_id"] = members[_crc(body) % len(members)]
        else:
            body.pop("member_id", None)
    else:
        externals = [HELD.members[key][1] for key in members if HELD.members[key][1]]
        if externals and (team or body.get("external_member_id") is not None):
            body["external_member_id"] = externals[_crc(body) % len(externals)]
        else:
            body.pop("external_member_id", None)


def _add_team_member(*, with_external: bool) -> None:
    """One more member (with an external id) of a team customer held, through the API; a new team
    customer first when the run deleted those it had (with an external id, if one is needed)."""
    teams = [team for team in HELD.pool("team_customers")[0] if not with_external or HELD.customers.get(team)]
    if not teams:
        serial = next(_TOPPED)
        answer = _api(
            "/v1/customers/",
            {"type": "team", "email": f"topped-team{serial}@example.com", "external_id": f"topped_team_{serial}"},
        )
        if isinstance(answer, dict):
            HELD.seen(answer)
        teams = [team for team in HELD.pool("team_customers")[0] if not with_external or HELD.customers.get(team)]
    if not teams:
        return
    serial = next(_TOPPED)
    answer = _api(
        f"/v1/customers/{teams[serial % len(teams)]}/members",
        {"email": f"topped{serial}@example.com", "external_id": f"topped_{serial}", "role": "member"},
    )
    if isinstance(answer, dict):
        HELD.seen(answer)


def _with_external_ids() -> list[str]:
    """Members of team customers (owners aside) that have an external id, as their customer has."""
    return [
        key
        for key in HELD.pool("team_members")[0]
        if HELD.members[key][1] and HELD.customers.get(HELD.members[key][0])
    ]


def _member(parameters: dict[str, Any], *, vary: bool) -> None:
    """A member and its customer, named together: by ids (`id`, `member_id`), or by external ids
    (`external_id`, `member_external_id`), three times in four one the emulator holds (a member of
    a team customer, not its owner, so that updates and deletes can succeed)."""
    for _ in range(MIN_TEAM_MEMBERS):
        if len(HELD.pool("team_members")[0]) >= MIN_TEAM_MEMBERS:
            break
        _add_team_member(with_external=False)
    if "member_id" in parameters:
        value = parameters["member_id"]
        chosen = _pick("team_members", value, vary=vary)
        entry = HELD.members.get(_canonical(chosen) or "")
        parameters["member_id"] = chosen
        if entry is not None:
            parameters["id"] = _respell(entry[0], _spelling(str(parameters.get("id", ""))))
        else:
            parameters["id"] = _pick("customers", parameters.get("id"), vary=vary)
        return
    for _ in range(MIN_TEAM_MEMBERS):
        if len(_with_external_ids()) >= 2:
            break
        _add_team_member(with_external=True)
    with_external = _with_external_ids()
    value = parameters["member_external_id"]
    if not with_external or (_crc(value) % 4 == 0 and not vary):
        parameters["external_id"] = _pick("external_customer_ids", parameters.get("external_id"), vary=vary)
        return
    customer, external, _ = HELD.members[with_external[(_crc([value, next(_PICK_SERIAL)] if vary else value) // 4) % len(with_external)]]
    parameters["external_id"] = HELD.customers[customer]
    parameters["member_external_id"] = external


def _portal_member_removal(case: schemathesis.Case) -> None:
    """`DELETE /v1/customer-portal/members/{id}` in the stateful phase, whose ids come from the
    portal's member list: its owner there (Polar's 422 "Cannot delete the only owner", or "You
    cannot remove yourself") is replaced with a member the hooks keep for removal."""
    parameters = dict(case.path_parameters or {})
    identifier = _canonical(parameters.get("id"))
    if identifier is None or identifier in HELD.pool("customer_portal_members")[1]:
        return
    entry = HELD.members.get(identifier)
    if entry is not None and entry[2] == "owner":
        _top_up_portal_members()
        pool, _ = HELD.pool("customer_portal_members")
        if pool:
            parameters["id"] = pool[_crc(identifier) % len(pool)]
            case.path_parameters = parameters


def _ids_in_path_and_query(case: schemathesis.Case, phase: str) -> None:
    # In the stateful phase, path parameters come from earlier answers, on purpose. The coverage
    # phase sends one path with every variant of the rest: one held id each, chosen in turn.
    if phase == "stateful" and case.path == "/v1/customer-portal/members/{id}" and case.method.upper() == "DELETE":
        _portal_member_removal(case)
    if case.path_parameters and phase != "stateful" and not _is_negative(case, ParameterLocation.PATH):
        parameters = dict(case.path_parameters)
        kind = RESOURCE_PATHS.get(f"{case.method.upper()} {case.path}")
        vary = phase == "coverage"
        if kind == "webhook_events":
            _refresh_webhook_events()
        if kind == "customer_seats" or "seat_id" in parameters:
            _top_up_seats()
        label = f"{case.method.upper()} {case.path}"
        if label in MEMBER_CREATES:
            name, team_kind = MEMBER_CREATES[label]
            parameters[name] = _pick(team_kind, parameters[name], vary=vary)
        elif "member_id" in parameters or "member_external_id" in parameters:
            _member(parameters, vary=vary)
        elif "activation_id" in parameters and "id" in parameters:
            _activation(parameters, vary=vary)
        elif label == "GET /v1/orders/{id}/invoice":
            parameters["id"] = _pick("invoiced_orders", parameters["id"], vary=vary)
        elif label == "POST /v1/orders/{id}/invoice":
            parameters["id"] = _pick("invoiceable_orders", parameters["id"], vary=vary)
        elif label == "PATCH /v1/checkouts/{id}":
            parameters["id"] = _open_checkout(parameters["id"], vary=vary, secret=False)
        elif "client_secret" in parameters:
            # The page's read takes any checkout; its update an open one; a confirmation one of its own.
            value = parameters["client_secret"]
            if label.endswith("/confirm"):
                parameters["client_secret"] = _open_checkout(value, vary=vary, secret=True, fresh=True)
            elif label.startswith("PATCH "):
                parameters["client_secret"] = _open_checkout(value, vary=vary, secret=True)
            else:
                parameters["client_secret"] = _pick("checkout_secrets", value, vary=vary)
        elif "seat_id" in parameters and case.path in PENDING_SEAT_PATHS and _crc([parameters["seat_id"], phase]) % 4:
            pending = _pending_seat(_crc(parameters["seat_id"]))
            if pending:
                parameters["seat_id"] = pending[0]
        elif "seat_id" in parameters:
            # The portal's seat operations name a seat of the portal customer's subscriptions.
            seat_kind = "customer_portal_seats" if case.path.startswith("/v1/customer-portal/") else "customer_seats"
            parameters["seat_id"] = _pick(seat_kind, parameters["seat_id"], vary=vary)
        elif "invitation_token" in parameters and _crc([parameters["invitation_token"], phase]) % 4:
            # A token of a seat still pending (each claim uses one up), three times in four.
            pending = _pending_seat(_crc(parameters["invitation_token"]))
            if pending:
                parameters["invitation_token"] = pending[1]
        elif kind and "id" in parameters:
            if kind == "customer_portal_members":
                _top_up_portal_members()
            parameters["id"] = _pick(kind, parameters["id"], vary=vary)
        if case.path == "/v1/benefits/{id}/files" and "id" in parameters:
            # Only a downloadables benefit has files (another type is a 404): one of those, three
            # times in four.
            downloadables = _downloadables()
            value = parameters["id"]
            if downloadables and isinstance(value, str) and _crc([value, phase]) % 4:
                chosen = downloadables[_crc(value) % len(downloadables)]
                parameters["id"] = _respell(chosen, _spelling(value)) if _canonical(value) else chosen
        if label == "DELETE /v1/customer-portal/customers/me/payment-methods/{id}" and _crc([parameters.get("id"), phase]) % 4:
            # A card saved for the purpose: each removal takes one (a second removal is a 404).
            saved = _portal_card("tok_visa")
            if isinstance(saved, dict) and isinstance(saved.get("payment_method"), dict):
                parameters["id"] = saved["payment_method"]["id"]
        if "organization_id" in parameters:
            parameters["organization_id"] = _pick("scenario_organizations", parameters["organization_id"], vary=vary)
        if "external_id" in parameters and label not in MEMBER_CREATES and "member_external_id" not in parameters:
            parameters["external_id"] = _pick("external_customer_ids", parameters["external_id"], vary=vary)
        case.path_parameters = parameters
    if case.query and not _is_negative(case, ParameterLocation.QUERY):
        query = dict(case.query)
        for name, value in query.items():
            kind = RESOURCE_PATHS.get(f"{case.method.upper()} {case.path}") if name == "id" else _field_kind(name)
            if name == "subscription_id" and "seats" in case.path:
                kind = "seat_subscriptions"  # a seat-based subscription, the portal customer's
            if name == "after" and case.path in DELIVERY_CURSOR_PATHS:
                kind = "deliveries"
            if kind:
                query[name] = _pick_each(kind, value)
            if name == "timezone" and isinstance(value, str) and value not in TIME_ZONES and _crc(value) % 4:
                # An IANA name `ZoneInfo` knows three times in four (any other string is a 422).
                query[name] = TIME_ZONES[_crc(value) % len(TIME_ZONES)]
        if case.path == "/v1/meters/{id}/quantities":
            _quantities(query)
        case.query = query


# --- Bodies that can succeed ---------------------------------------------------------------------

_EMAIL_SERIAL = itertools.count(1)
_EMAIL_MARK = re.compile(r"\+fuzz[0-9]+@(?=[^@]*$)")


def _unique_email(value: Any) -> Any:
    if not isinstance(value, str) or "@" not in value:
        return value
    local, _, domain = _EMAIL_MARK.sub("@", value).rpartition("@")
    return f"{local}+fuzz{next(_EMAIL_SERIAL)}@{domain}"


def _customer_ref(body: dict[str, Any]) -> None:
    """A control-plane CustomerRef naming a customer (and organization) the emulator holds."""
    if "organization_id" in body:
        body["organization_id"] = _pick("organizations", body["organization_id"])
    if "customer_id" in body:
        body["customer_id"] = _pick("customers", body["customer_id"])
    if "external_customer_id" in body:
        body["external_customer_id"] = _pick("external_customer_ids", body["external_customer_id"])
    subscription = HELD.subscriptions.get(_canonical(body.get("subscription_id")) or "")
    if subscription is not None:
        body["customer_id"] = subscription[0]
        body.pop("external_customer_id", None)


# A fixture's dates (FixtureDate) are strings in the spec; the emulator reads dates and relative
# times (`now`, `-30d`) only: positive fixtures keep the generated string one time in four.
FIXTURE_DATE_KEYS = frozenset(
    ("reference_time", "created_at", "started_at", "trial_end", "changed_at", "granted_at", "revoked_at")
    + ("timestamp", "at")
)
FIXTURE_DATES = ("now", "-30d", "2026-01-01", "2025-06-01T09:30:00Z", "+1mo", "now-2w")


def _fixture_dates(value: Any) -> Any:
    if isinstance(value, list):
        return [_fixture_dates(item) for item in value]
    if not isinstance(value, dict):
        return value
    fixed = {}
    for key, item in value.items():
        if key in FIXTURE_DATE_KEYS and isinstance(item, str) and item not in FIXTURE_DATES and _crc(item) % 4:
            fixed[key] = FIXTURE_DATES[_crc(item) % len(FIXTURE_DATES)]
        elif key == "metadata":
            fixed[key] = item
        else:
            fixed[key] = _fixture_dates(item)
    return fixed


def _fixture(body: dict[str, Any], organization_id: Any) -> None:
    # Other organizations belong in a boot fixture only; the organization's id, when given, must
    # be the one in the path (both are 422s the emulator explains).
    body.pop("organizations", None)
    # The sections that name other entries by key (a checkout's products, a customer's orders and
    # license keys, a link's products) are refused for nearly every generated key: kept one time
    # in four, so that the rest of the fixture gets through.
    for section in ("checkouts", "checkout_links"):
        if section in body and _crc(body[section]) % 4:
            body.pop(section)
    customers = body.get("customers")
    if isinstance(customers, list):
        for customer in customers:
            if isinstance(customer, dict):
                for section in ("orders", "license_keys"):
                    if section in customer and _crc(customer[section]) % 4:
                        customer.pop(section)
    organization = body.get("organization")
    if isinstance(organization, dict) and "id" in organization:
        if _canonical(organization["id"]) != _canonical(organization_id):
            body["organization"] = {key: value for key, value in organization.items() if key != "id"}
    generate = body.get("generate")
    if isinstance(generate, dict):
        generate = dict(generate)
        if isinstance(generate.get("customers"), int):
            generate["customers"] = min(generate["customers"], 5)
        events = generate.get("events")
        if isinstance(events, dict) and isinstance(events.get("max"), int):
            generate["events"] = {**events, "max": min(events["max"], 5)}
        body["generate"] = generate
    member_model = isinstance(organization, dict) and organization.get("member_model_enabled") is True
    for customer in body.get("customers") or []:
        if not isinstance(customer, dict):
            continue
        if "email" in customer:
            customer["email"] = _unique_email(customer["email"])
        if "members" in customer:
            # MemberCreateFromCustomer bodies (the spec says any object), for an organization with
            # the member model (its customers' members are refused otherwise).
            if member_model and isinstance(customer["members"], list):
                customer["members"] = [{"email": _unique_email("member@example.com")} for _ in customer["members"][:3]]
            else:
                customer.pop("members")
        # A customer's license keys describe keys its grants made: a generated one names a benefit
        # the customer holds no key of (a 422 the emulator explains), so positive fixtures leave
        # them out (test/license-keys.test.ts loads real ones).
        customer.pop("license_keys", None)
        for event in customer.get("events") or []:
            if isinstance(event, dict) and isinstance(event.get("count"), int):
                event["count"] = min(event["count"], 5)


# Parts of SubscriptionUpdate the emulator refuses with a 422 saying it does not emulate them
# (src/resources/subscriptions/handlers.ts): positive updates keep them one time in four.
NOT_EMULATED_UPDATES = (
    "product_id",
    "discount_id",
    "trial_end",
    "seats",
    "units",
    "current_billing_period_end",
    "pause_at_period_end",
    "resume",
    "pending_update",
)


def _fits_decimal(value: Any) -> bool:
    """Whether pydantic takes `value` as a Decimal(gt=0, max_digits=17, decimal_places=12)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return True  # not ours to fix
    try:
        number = Decimal(str(value).strip())
        _, digits, exponent = number.normalize().as_tuple()
    except ArithmeticError:
        return False  # the spec's pattern is not anchored at the end: "12.5abc" matches it
    if not isinstance(exponent, int) or number <= 0:
        return False
    decimals = max(0, -exponent)
    total = len(digits) + exponent if exponent >= 0 else max(len(digits), decimals)
    return total <= 17 and decimals <= 12 and total - decimals <= 5


def _product(body: dict[str, Any]) -> None:
    body.pop("organization_id", None)
    if body.get("attached_custom_fields") and _crc(body) % 4:
        body.pop("attached_custom_fields")  # the emulator holds no custom fields: kept one time in four
    # Polar refuses one of the two without the other.
    for one, other in (("trial_interval", "trial_interval_count"), ("trial_interval_count", "trial_interval")):
        if body.get(one) is not None and body.get(other) is None:
            body.pop(one)
    prices = body.get("prices")
    if not isinstance(prices, list):
        return
    prices = [dict(price) if isinstance(price, dict) else price for price in prices]
    for price in prices:
        if isinstance(price, dict) and price.get("amount_type") == "metered_unit":
            price["meter_id"] = _pick("meters", price.get("meter_id"), always=True)
            # Polar's Decimal is > 0 with max_digits=17, decimal_places=12 (5 whole digits), which
            # its JSON Schema does not say (and its pattern for strings lets text follow the number).
            if not _fits_decimal(price.get("unit_amount")):
                price["unit_amount"] = "0.5"
        if isinstance(price, dict) and price.get("amount_type") == "custom":
            # Polar's minimum for a custom price is $0.50, or 0 (free).
            minimum = price.get("minimum_amount")
            if isinstance(minimum, int) and 0 < minimum < 50 and price.get("price_currency", "usd") == "usd":
                price["minimum_amount"] = 50
    # The organization's default presentment currency (usd) must be among the prices'.
    dicts = [price for price in prices if isinstance(price, dict)]
    if dicts and all(price.get("price_currency", "usd") != "usd" for price in dicts):
        dicts[0]["price_currency"] = "usd"
    body["prices"] = prices


# Checkouts the hooks keep open for the operations that change one (a confirmed one is Polar's 403
# NotOpenCheckout), made through the API when fewer are left.
MIN_OPEN_CHECKOUTS = 5
# A billing address Polar's confirmation takes for any price (country, state, and the lines a US
# address needs: checkout/service.py `_get_required_confirm_fields`).
CONFIRM_ADDRESS = {"country": "US", "state": "NY", "line1": "1 Fuzz Street", "city": "New York", "postal_code": "10001"}
_CHECKOUT_SERIAL = itertools.count()


def _new_checkout() -> str | None:
    """An open checkout of one or two held products (not archived), made through the API; its id."""
    products, _ = HELD.pool("checkout_products")
    if not products:
        return None
    serial = next(_CHECKOUT_SERIAL)
    chosen = list(dict.fromkeys([products[serial % len(products)], products[(serial // 2 + 1) % len(products)]]))
    answer = _api("/v1/checkouts/", {"products": chosen, "metadata": {"made_by": "fuzz hooks"}})
    if not isinstance(answer, dict) or _canonical(answer.get("id")) is None:
        return None
    HELD.seen(answer)
    return answer["id"]


def _open_checkout(value: Any, *, vary: bool, secret: bool, fresh: bool = False) -> Any:
    """An open checkout (its id, or with `secret` its client secret) for `value`, three times in four
    (always with `vary`); with `fresh`, one made for this case (a confirmation closes it)."""
    if not isinstance(value, str):
        return value
    if fresh:
        if _crc([value, "fresh"]) % 4 == 0 and not vary:
            return value
        made = _new_checkout()
        if made is None:
            return value
        if secret:
            return HELD.checkouts[made]["client_secret"]
        return _respell(made, _spelling(value)) if _canonical(value) else made
    for _ in range(MIN_OPEN_CHECKOUTS):
        if len(HELD.pool("open_checkouts")[0]) >= MIN_OPEN_CHECKOUTS:
            break
        if _new_checkout() is None:
            break
    return _pick("open_checkout_secrets" if secret else "open_checkouts", value, vary=vary)


def _checkout_of(case: schemathesis.Case) -> dict[str, Any] | None:
    """The held checkout the case's path names (by id or client secret), if any."""
    parameters = case.path_parameters or {}
    canonical = _canonical(parameters.get("id"))
    if canonical is not None:
        return HELD.checkouts.get(canonical)
    secret = parameters.get("client_secret")
    return next((entry for entry in HELD.checkouts.values() if entry["client_secret"] == secret), None)


def _first_static_price(product: dict[str, Any]) -> dict[str, Any]:
    """The price a checkout of this product starts on: its first price that is not metered."""
    static = [
        price
        for price in product.get("prices") or []
        if isinstance(price, dict) and price.get("amount_type") != "metered_unit" and not price.get("is_archived")
    ]
    return static[0] if static else {}


# What the hooks know of products and discounts, by id, from the answers that carried them
# (`Held.seen`), else asked of the emulator once: the checkout bodies need a product's price and a
# discount's rules for nearly every case.
PRODUCT_PRICES: dict[str, dict[str, Any]] = {}
DISCOUNTS: dict[str, dict[str, Any]] = {}


def _product_price(product_id: Any) -> dict[str, Any]:
    """The price a checkout of this product starts on (its first static price)."""
    canonical = _canonical(product_id)
    if canonical is None:
        return {}
    if canonical not in PRODUCT_PRICES:
        product = _api_get(f"/v1/products/{canonical}")
        PRODUCT_PRICES[canonical] = _first_static_price(product) if isinstance(product, dict) else {}
    return PRODUCT_PRICES[canonical]


def _within(value: Any, low: int, high: int | None) -> int:
    number = value if isinstance(value, int) and not isinstance(value, bool) else low
    number = max(number, low)
    return min(number, high) if high is not None else number


def _price_fields(body: dict[str, Any], price: dict[str, Any], min_seats: Any = None, max_seats: Any = None) -> None:
    """`amount` only for a custom price, within its bounds (and Polar's $0.50 minimum); `seats` (and a
    create's `min_seats`, `max_seats`) only for a seat-based price, within its tiers and the
    checkout's own bounds (checkout/service.py `_validate_seat_limits`, pricing's custom amount)."""
    if price.get("amount_type") == "custom" and isinstance(body.get("amount"), int):
        minimum = price.get("minimum_amount") or 0
        maximum = price.get("maximum_amount")
        amount = body["amount"]
        if amount != 0 or minimum > 0:
            body["amount"] = _within(amount, max(minimum, 50), maximum if maximum is not None else 1_000_000)
    else:
        body.pop("amount", None)
    if price.get("amount_type") != "seat_based":
        for key in ("seats", "min_seats", "max_seats"):
            body.pop(key, None)
        return
    tiers = ((price.get("seat_tiers") or {}).get("tiers")) or [{}]
    low = tiers[0].get("min_seats") or 1
    high = tiers[-1].get("max_seats") or 1000
    if isinstance(body.get("min_seats"), int):
        body["min_seats"] = _within(body["min_seats"], low, high)
        low = body["min_seats"]
    if isinstance(body.get("max_seats"), int):
        body["max_seats"] = _within(body["max_seats"], low, high)
        high = body["max_seats"]
    low = min_seats if isinstance(min_seats, int) else low
    high = max_seats if isinstance(max_seats, int) else high
    if "seats" in body:
        body["seats"] = _within(body["seats"], low, high)


def _is_free_price(price: dict[str, Any]) -> bool:
    return price.get("amount_type") == "free" or (price.get("amount_type") == "fixed" and price.get("price_amount") == 0)


def _applicable_discount(value: Any, product_id: Any, price: dict[str, Any]) -> Any:
    """A held discount that applies to the product (no product list, or one naming it; a fixed one in
    usd), for a price that is not free; None when there is none (`_get_validated_discount`)."""
    if _is_free_price(price):
        return None
    chosen = _pick("discounts", value, always=True)
    canonical = _canonical(chosen)
    if canonical is not None and canonical not in DISCOUNTS:
        answer = _api_get(f"/v1/discounts/{canonical}")
        DISCOUNTS[canonical] = answer if isinstance(answer, dict) else {}
    discount = DISCOUNTS.get(canonical or "")
    if not discount:
        return None
    products = [item.get("id") for item in discount.get("products") or [] if isinstance(item, dict)]
    if products and _canonical(product_id) not in products:
        return None
    if discount.get("type") == "fixed" and "usd" not in (discount.get("amounts") or {discount.get("currency"): 0}):
        return None
    limit = discount.get("max_redemptions")
    if discount.get("ends_at") is not None or discount.get("starts_at") is not None:
        return None
    if isinstance(limit, int) and discount.get("redemptions_count", 0) >= limit:
        return None
    return chosen


def _ip_address(body: dict[str, Any]) -> None:
    """`customer_ip_address` is pydantic's IPvAnyAddress (`format: ipvanyaddress`, which schemathesis
    does not know, so it sends any string): an address of the documentation ranges instead."""
    value = body.get("customer_ip_address")
    if isinstance(value, str):
        try:
            ipaddress.ip_address(value)
        except ValueError:
            body["customer_ip_address"] = ("203.0.113.7", "2001:db8::7")[_crc(value) % 2]


def _checkout_create(body: dict[str, Any]) -> None:
    """`POST /v1/checkouts/` bodies that can succeed seven times in eight, for the rules Polar's
    service adds to its JSON Schema (checkout/service.py `create`): held products that are not
    archived, the first one's price deciding whether an amount (custom) or seats (seat-based) may
    come, within its bounds; a discount that applies, in usd; no subscription to upgrade, ad hoc
    prices, other currency or tax id to check."""
    if isinstance(body.get("products"), list):
        body["products"] = list(dict.fromkeys(_pick_each("checkout_products", body["products"], always=True)))
    if "customer_id" in body:
        body["customer_id"] = _pick("customers", body["customer_id"])
    _ip_address(body)
    if _crc(body) % 8 == 0:
        return
    for key in ("subscription_id", "prices", "customer_tax_id", "currency"):
        body.pop(key, None)
    products = body.get("products") or [None]
    price = _product_price(products[0])
    _price_fields(body, price)
    if body.get("discount_id") is not None:
        discount = _applicable_discount(body["discount_id"], products[0], price)
        if discount is None:
            body.pop("discount_id")
        else:
            body["discount_id"] = discount


def _checkout_change(body: dict[str, Any], entry: dict[str, Any] | None, kind: str) -> None:
    """The merchant's update (`PATCH /v1/checkouts/{id}`), the checkout page's
    (`PATCH /v1/checkouts/client/{client_secret}`) and its confirmation, seven times in eight: a
    product of the checkout's own (another is a 422) without an explicit price or currency; an
    amount or seats as the selected price takes them (a product switch takes neither); a discount
    that applies, by id (merchant) or by the seeded code (page); no tax id; a confirmation carries
    what Polar requires to pay: an email, a full billing address, a card that pays (and a billing
    name for a business)."""
    _ip_address(body)
    if _crc(body) % 8 == 0 or entry is None:
        return
    for key in ("product_price_id", "currency", "customer_tax_id"):
        body.pop(key, None)
    price = entry.get("price") or {}
    product = (price.get("product_id") or (entry["products"] or [None])[0])
    if body.get("product_id") is not None:
        products = entry["products"]
        if products and _crc(body) % 2:
            product = products[_crc(body["product_id"]) % len(products)]
            body["product_id"] = product
            price = _product_price(product)
        else:
            body.pop("product_id")
    _price_fields(body, price, entry.get("min_seats"), entry.get("max_seats"))
    if kind == "merchant" and body.get("discount_id") is not None:
        discount = _applicable_discount(body["discount_id"], product, price)
        if discount is None:
            body.pop("discount_id")
        else:
            body["discount_id"] = discount
    if kind != "merchant" and body.get("discount_code") is not None:
        if _is_free_price(price) or _crc(body) % 2:
            body.pop("discount_code")
        else:
            body["discount_code"] = CHECKOUT_DISCOUNT_CODE
    if kind == "confirm":
        body["customer_email"] = _unique_email(body.get("customer_email") or "buyer@example.com")
        body["customer_billing_address"] = dict(CONFIRM_ADDRESS)
        body["confirmation_token_id"] = "tok_visa"
        if body.get("is_business_customer"):
            body["customer_billing_name"] = body.get("customer_billing_name") or "Fuzz Inc."


# A discount code the test seeds (percentage, every product): what the checkout page redeems.
CHECKOUT_DISCOUNT_CODE = "FUZZ25"


def _checkout_link(body: dict[str, Any], method: str) -> None:
    """Checkout link bodies with held products (`products`, or one `product_id`), no seat lock and
    no discount (checkout_link/service.py)."""
    if method == "POST" and "products" not in body and "product_id" not in body:
        body.pop("product_price_id", None)
        body["products"] = [_pick("products", "", always=True)]
    if isinstance(body.get("products"), list):
        body["products"] = _pick_each("products", body["products"], always=True)
    if "product_id" in body:
        body["product_id"] = _pick("products", body["product_id"], always=True)
    if _crc(body) % 8 == 0:
        return
    body.pop("seats", None)
    body.pop("discount_id", None)


def _discount(body: dict[str, Any], method: str) -> None:
    """Discount bodies that can succeed seven times in eight, for the rules Polar's model and
    service add to its JSON Schema (discount/schemas.py, service.py)."""
    body.pop("organization_id", None)
    if isinstance(body.get("products"), list):
        body["products"] = _pick_each("products", body["products"])
    if _crc(body) % 8 == 0:
        return
    code = body.get("code")
    if isinstance(code, str) and code != "" and not (code.isalnum() and 3 <= len(code) <= 256):
        # `_code_validator`: alphanumeric, 3 to 256 characters; unique (case aside) per organization.
        body["code"] = f"FUZZ{_crc(code):08X}"
    if body.get("starts_at") is not None and body.get("ends_at") is not None:
        body.pop("ends_at")  # starts_at must be before ends_at
    if body.get("amount") is not None and body.get("amounts") is not None:
        body.pop("amounts")  # not both
    if method == "POST":
        # The union's tag, from the fields a body carries.
        if body.get("type") not in ("fixed", "percentage"):
            body["type"] = "percentage" if "basis_points" in body else "fixed"
        # `duration_in_months` goes with `duration: repeating`, and only with it.
        if body.get("duration") == "repeating":
            if not isinstance(body.get("duration_in_months"), int):
                body["duration_in_months"] = 1
        else:
            body.pop("duration_in_months", None)
        if body["type"] == "fixed":
            # Either `amount` (with `currency`, usd) or `amounts` (presentment currencies).
            if body.get("amount") is not None:
                body["currency"] = "usd"
            else:
                value = next((item for item in (body.get("amounts") or {}).values() if isinstance(item, int)), 100)
                body["amounts"] = {"usd": value}
    if method == "PATCH":
        # Polar refuses to change a discount's type or duration.
        body.pop("type", None)
        body.pop("duration", None)
        if isinstance(body.get("amounts"), dict):
            body["amounts"] = {"usd": next(iter(body["amounts"].values()), 100)}


def _product_update(body: dict[str, Any], product_id: Any) -> None:
    """Product updates that can succeed three times in four (product/service.py `update`)."""
    if _crc(body) % 4 == 0:
        return
    recurring = _canonical(product_id) in HELD.pool("recurring_products")[1]
    # The recurring interval never changes, nor is it cleared; archiving takes the product out of
    # the pool subscriptions start from.
    body.pop("recurring_interval", None)
    body.pop("recurring_interval_count", None)
    if body.get("is_archived"):
        body.pop("is_archived")
    if not recurring:
        body.pop("trial_interval", None)  # a trial only on a recurring product
        body.pop("trial_interval_count", None)
    _product(body)
    prices = body.get("prices")
    if not isinstance(prices, list):
        return
    # No price id is held: the creates only. One static price and one metered one at most (on a
    # recurring product), all in usd with the same tax behavior, which the composition rules take.
    creates = [price for price in prices if isinstance(price, dict) and "amount_type" in price and "id" not in price]
    static = [price for price in creates if price.get("amount_type") != "metered_unit"][:1]
    metered = [price for price in creates if price.get("amount_type") == "metered_unit"][:1] if recurring else []
    kept = static + metered
    for price in kept:
        price["price_currency"] = "usd"
        price["tax_behavior"] = kept[0].get("tax_behavior")
    if kept:
        body["prices"] = kept
    else:
        body.pop("prices")


def _benefit_update(body: dict[str, Any], benefit_id: Any) -> dict[str, Any]:
    """Benefit updates that can succeed three times in four: the benefit's own type (which never
    changes), a meter the emulator holds, no GitHub properties (refused with an organization token)."""
    if _crc(body) % 4 == 0:
        return body
    benefit_type = _benefit_type(benefit_id)
    if benefit_type is not None and body.get("type") != benefit_type:
        # Another type's properties do not fit this one.
        body = {key: value for key, value in body.items() if key not in ("properties", "visibility")}
        body["type"] = benefit_type
    properties = body.get("properties")
    if benefit_type == "github_repository":
        body.pop("properties", None)
    elif isinstance(properties, dict) and "meter_id" in properties:
        body["properties"] = {**properties, "meter_id": _pick("meters", properties["meter_id"], always=True)}
    return body


def _meter_update(body: dict[str, Any]) -> None:
    """Meter updates that can succeed three times in four: the filter and aggregation are fixed once
    an event matches (the seed's meters have some), and a meter a price or a benefit uses stays."""
    if _crc(body) % 4 == 0:
        return
    body.pop("filter", None)
    body.pop("aggregation", None)
    if body.get("is_archived"):
        body.pop("is_archived")


# kit/time_queries.py: the earliest start, and the longest range per interval, in days.
QUANTITIES_START = datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC)
QUANTITIES_DAYS = {"hour": 7, "day": 366, "week": 371, "month": 1460, "year": 3650}


def _quantities(query: dict[str, Any]) -> None:
    """A range meters:quantities takes three times in four: aware datetimes, a start from 2023 on,
    an end after it and not further than the interval allows (which the spec cannot say)."""
    if _crc(query) % 4 == 0:
        return

    def parsed(value: Any) -> datetime.datetime | None:
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            return None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)

    start, end = parsed(query.get("start_timestamp")), parsed(query.get("end_timestamp"))
    if start is None or end is None:
        return
    days = QUANTITIES_DAYS.get(str(query.get("interval")), 7)
    try:
        if start < QUANTITIES_START or start.year > 2100:
            start = QUANTITIES_START + datetime.timedelta(days=_crc(query) % 1000)
        if end < start or end.toordinal() - start.toordinal() > days:
            end = start + datetime.timedelta(days=min(days, 1 + _crc(query) % 7))
    except OverflowError:
        return
    query["start_timestamp"] = start.isoformat()
    query["end_timestamp"] = end.isoformat()


# A few meter filters (the `filter` parameter of `GET /v1/events/` is JSON text).
EVENT_FILTERS = (
    {"conjunction": "and", "clauses": []},
    {"conjunction": "and", "clauses": [{"property": "name", "operator": "eq", "value": "fuzz_call"}]},
    {"conjunction": "or", "clauses": [{"property": "tokens", "operator": "gte", "value": 100}]},
    {"conjunction": "and", "clauses": [{"property": "metadata.cohort", "operator": "like", "value": "odd"}]},
)


def _event_list_query(case: schemathesis.Case) -> None:
    """`GET /v1/events/` with a filter that is JSON, and a query Polar takes."""
    query = dict(case.query or {})
    filter_text = query.get("filter")
    if isinstance(filter_text, str) and _crc(filter_text) % 4:
        query["filter"] = json.dumps(EVENT_FILTERS[_crc(filter_text) % len(EVENT_FILTERS)])
    text = query.get("query")
    if isinstance(text, str):
        if len(text) < 3:
            query["query"] = f"{text}fuz"
        if "organization_id" not in query and HELD.organization_id is not None:
            query["organization_id"] = HELD.organization_id
    case.query = query


def _http_url(value: Any, salt: Any) -> Any:
    if isinstance(value, str) and re.match(r"^https?://[A-Za-z0-9]", value) and " " not in value:
        return value
    return f"https://fuzz{_crc([value, salt]) % 1000}.example.com/"


def _organization_update(body: dict[str, Any]) -> None:
    for key in ("avatar_url", "website"):
        if isinstance(body.get(key), str):
            body[key] = _http_url(body[key], key)
    if isinstance(body.get("socials"), list):
        body["socials"] = [
            {**item, "url": _http_url(item.get("url"), index)} if isinstance(item, dict) else item
            for index, item in enumerate(body["socials"])
        ]
    if isinstance(body.get("email"), str):
        body["email"] = f"support+fuzz{_crc(body['email']) % 1000}@example.com"
    if isinstance(body.get("embed_hosts"), list) and body["embed_hosts"]:
        body["embed_hosts"] = ["shop.example.com", "*.example.org", "localhost:3000"][: 1 + _crc(body) % 3]
    if isinstance(body.get("dispute_settings"), dict):
        body["dispute_settings"] = {"auto_accept_below_amount": None}
    if body.get("sso_enforced") is True:
        body["sso_enforced"] = False
    if body.get("default_presentment_currency") is not None:
        body["default_presentment_currency"] = "usd"
    settings = body.get("subscription_settings")
    if isinstance(settings, dict) and settings.get("allow_multiple_subscriptions") is False:
        # Kept on (seedEverything turns it on): off, as Polar's default, every checkout of a
        # recurring product for a customer who has a subscription is a 403
        # AlreadyActiveSubscriptionError, and the seeded customers all have one.
        body["subscription_settings"] = {**settings, "allow_multiple_subscriptions": True}
    portal = body.get("customer_portal_settings")
    if isinstance(portal, dict) and isinstance(portal.get("subscription"), dict):
        # The portal's plan and seat changes stay allowed: when they are not, Polar's portal answers
        # 403 UpdateSubscriptionPlanNotAllowed / UpdateSubscriptionSeatsNotAllowed, which its
        # document gives no schema for (test/customer-portal.test.ts asserts them).
        subscription = {**portal["subscription"], "update_plan": True, "update_seats": True}
        body["customer_portal_settings"] = {**portal, "subscription": subscription}
    features = body.get("feature_settings")
    if isinstance(features, dict):
        body["feature_settings"] = {key: value for key, value in features.items() if key != "seat_based_pricing_enabled"}


def _seat_assign(body: dict[str, Any]) -> None:
    """Three times in four, a body Polar's `SeatAssign` validators take: one seat source, a seat-based
    subscription of the portal customer (who may assign in the portal too), one recipient (a fresh
    email: an email with a seat already is a 400), metadata within 10 keys."""
    if _crc(body) % 4 == 0:
        return
    for key in ("order_id", "checkout_id", "customer_id", "external_customer_id", "member_id", "external_member_id"):
        body.pop(key, None)
    body["subscription_id"] = _pick("seat_subscriptions", body.get("subscription_id") or "", always=True)
    body["email"] = _unique_email(body["email"] if isinstance(body.get("email"), str) else "seat@example.com")
    if isinstance(body.get("metadata"), dict) and len(body["metadata"]) > 10:
        body["metadata"] = dict(list(body["metadata"].items())[:10])


def _body(case: schemathesis.Case) -> None:
    method, path = case.method.upper(), case.path
    body = dict(case.body) if isinstance(case.body, dict) else None

    if path.startswith("/v1/customers/") and method in ("POST", "PATCH") and body is not None:
        keep = _crc(body) % 4 == 0
        if method == "POST":
            body.pop("organization_id", None)
        if "email" in body:
            body["email"] = _unique_email(body["email"])
        if method == "PATCH" and not keep:
            # Polar refuses to reset a billing address to null once set, and to change an external
            # id once set: kept one time in four, or updates fail more and more as the run sets them.
            if "billing_address" in body and body["billing_address"] is None:
                body.pop("billing_address")
            if body.get("external_id") is not None:
                body.pop("external_id")
    elif path == "/v1/products/" and method == "POST" and body is not None:
        _product(body)
    elif path in ("/v1/customer-seats", "/v1/customer-portal/seats") and method == "POST" and body is not None:
        _seat_assign(body)
    elif path == "/v1/customer-seats/claim" and body is not None and "invitation_token" in body and _crc(body) % 4:
        pending = _pending_seat(_crc(body))
        if pending:
            body["invitation_token"] = pending[1]
    elif path == "/v1/products/{id}" and method == "PATCH" and body is not None:
        _product_update(body, (case.path_parameters or {}).get("id"))
    elif path == "/v1/benefits/{id}" and method == "PATCH" and body is not None:
        body = _benefit_update(body, (case.path_parameters or {}).get("id"))
    elif path == "/v1/meters/{id}" and method == "PATCH" and body is not None:
        _meter_update(body)
    elif "/members" in path and path.startswith("/v1/customers/") and body is not None:
        # A new member's email (the generators reuse a handful, which answers the member that has
        # it); an update's too, three times in four (another member's is a 422, as is the email of
        # an individual customer's owner).
        if "email" in body and (method == "POST" or _crc(body) % 4):
            body["email"] = _unique_email(body["email"] if isinstance(body["email"], str) else "member@example.com")
        if method == "POST" and (body.get("external_id") is not None or _crc(body) % 2):
            body["external_id"] = f"fuzz_member_{next(_EMAIL_SERIAL)}"  # unique per customer
    elif path == "/v1/subscriptions/" and method == "POST" and body is not None:
        # A free recurring product (a paid one needs a checkout: 422) of a customer held.
        body["product_id"] = _pick("free_products", body.get("product_id"))
        if "customer_id" in body:
            body["customer_id"] = _pick("customers", body["customer_id"])
        if "external_customer_id" in body:
            body["external_customer_id"] = _pick("external_customer_ids", body["external_customer_id"])
    elif path in ("/v1/subscriptions/{id}", "/v1/customer-portal/subscriptions/{id}") and method == "PATCH" and body is not None:
        if _crc(body) % 4:
            for key in (*NOT_EMULATED_UPDATES, "clear_pending_update"):
                if body.get(key) is not None:
                    body.pop(key)
    elif path == "/v1/customer-portal/benefit-grants/{id}" and method == "PATCH" and body is not None:
        # The update names the grant's own benefit type (another is a 422), and no OAuth account
        # (the emulator's customers have none): three times in four.
        grant = _portal_get(f"/v1/customer-portal/benefit-grants/{(case.path_parameters or {}).get('id')}")
        if grant is None and _crc(body) % 4:
            # The grant is gone (the run revoked it with its subscription): one the customer still
            # holds, whose GET answers, in its place.
            listed = _portal_get("/v1/customer-portal/benefit-grants/?limit=100")
            items = listed.get("items") if isinstance(listed, dict) else None
            if isinstance(items, list) and items and isinstance(items[_crc(body) % len(items)], dict):
                grant = items[_crc(body) % len(items)]
                case.path_parameters = {**(case.path_parameters or {}), "id": grant.get("id")}
        if isinstance(grant, dict) and isinstance(grant.get("benefit"), dict) and _crc(body) % 4:
            benefit_type = grant["benefit"].get("type")
            body["benefit_type"] = benefit_type
            if benefit_type in ("discord", "github_repository"):
                body["properties"] = {"account_id": None}
            else:
                body.pop("properties", None)
    elif path == "/v1/benefits/" and method == "POST" and body is not None:
        body.pop("organization_id", None)
        properties = body.get("properties")
        if isinstance(properties, dict) and "meter_id" in properties:
            body["properties"] = {**properties, "meter_id": _pick("meters", properties["meter_id"], always=True)}
    elif path == "/v1/meters/" and method == "POST" and body is not None:
        body.pop("organization_id", None)
    elif path.startswith("/v1/discounts/") and method in ("POST", "PATCH") and body is not None:
        _discount(body, method)
    elif path == "/v1/checkouts/" and method == "POST" and body is not None:
        _checkout_create(body)
    elif path == "/v1/checkouts/{id}" and method == "PATCH" and body is not None:
        _checkout_change(body, _checkout_of(case), "merchant")
    elif path == "/v1/checkouts/client/{client_secret}" and method == "PATCH" and body is not None:
        _checkout_change(body, _checkout_of(case), "page")
    elif path == "/v1/checkouts/client/{client_secret}/confirm" and body is not None:
        _checkout_change(body, _checkout_of(case), "confirm")
    elif path.startswith("/v1/checkout-links/") and method in ("POST", "PATCH") and isinstance(body, dict):
        _checkout_link(body, method)
    elif path == "/v1/refunds/" and method == "POST" and body is not None:
        # A held order, and an amount within what is refundable (refund/service.py): three times
        # in four, else as generated (a 422 over the refundable amount, or an unknown order).
        body["order_id"] = _pick("orders", body.get("order_id"))
        if _crc(body) % 4 and isinstance(body.get("amount"), int):
            body["amount"] = 1 + _crc(body) % 20
            if body.get("revoke_benefits"):
                body["revoke_benefits"] = False  # a subscription's order refuses it (400)
    elif path in ("/v1/orders/{id}", "/v1/customer-portal/orders/{id}") and method == "PATCH" and body is not None:
        # An order's billing country and state never change once set: kept one time in four. The
        # billing name of an order an invoice can be generated for is not cleared (its generation
        # would then be a 422 MissingInvoiceBillingDetails, for the rest of the run).
        if _crc(body) % 4 and body.get("billing_address") is not None:
            body.pop("billing_address")
        invoiceable = _canonical((case.path_parameters or {}).get("id")) in HELD.pool("invoiceable_orders")[1]
        if invoiceable and "billing_name" in body and not str(body["billing_name"] or "").strip():
            body.pop("billing_name")
    elif path == "/v1/events/ingest" and body is not None and isinstance(body.get("events"), list):
        events = []
        for event in body["events"]:
            if isinstance(event, dict):
                event = {key: value for key, value in event.items() if key != "organization_id"}
                if "customer_id" in event:
                    event["customer_id"] = _pick("customers", event["customer_id"])
                if "external_customer_id" in event:
                    event["external_customer_id"] = _pick("external_customer_ids", event["external_customer_id"])
            events.append(event)
        body["events"] = events
    elif path == "/v1/organizations/{id}" and method == "PATCH" and body is not None:
        _organization_update(body)
    elif path == "/v1/customer-sessions/" and method == "POST" and body is not None:
        _customer_session(body)
    elif path == "/v1/products/{id}/benefits" and body is not None:
        body["benefits"] = _pick_each("benefits", body.get("benefits"))
    elif path == "/_emulator/orders" and body is not None:
        # A one-time purchase: a held customer and product (a recurring one is a 422).
        customers, _ = HELD.pool("customers")
        if "customer_id" not in body and "external_customer_id" not in body and _crc(body) % 4 and customers:
            body["customer_id"] = customers[_crc(body) % len(customers)]
        if "product_id" in body:
            body["product_id"] = _pick("one_time_products", body["product_id"])
        if "discount_id" in body:
            body["discount_id"] = _pick("discounts", body["discount_id"])
        _customer_ref(body)
    elif path in ("/_emulator/subscriptions", "/_emulator/benefit-grants", "/_emulator/benefit-grants/revoke"):
        if body is not None:
            customers, _ = HELD.pool("customers")
            if "customer_id" not in body and "external_customer_id" not in body and _crc(body) % 4 and customers:
                # No customer named is a 422; kept one time in four.
                body["customer_id"] = customers[_crc(body) % len(customers)]
            if path == "/_emulator/subscriptions" and body.get("trial_end") is not None:
                body["status"] = "trialing"  # trial_end goes with a trial
            if "product_id" in body:
                body["product_id"] = _pick("recurring_products", body["product_id"])
            if "benefit_id" in body:
                body["benefit_id"] = _pick("benefits", body["benefit_id"])
            if "subscription_id" in body:
                body["subscription_id"] = _pick("subscriptions", body["subscription_id"])
            if "discount_id" in body:
                body["discount_id"] = _pick("discounts", body["discount_id"])
            _customer_ref(body)
    elif path in ("/_emulator/meters/{id}/credit", "/_emulator/usage") and body is not None:
        _customer_ref(body)
    elif path == "/_emulator/organizations/{organization_id}/fixtures" and body is not None:
        body = _fixture_dates(body)
        _fixture(body, (case.path_parameters or {}).get("organization_id"))
    elif path == "/_emulator/organizations/{organization_id}/snapshot" and method == "PUT":
        organization_id = (case.path_parameters or {}).get("organization_id")
        if SNAPSHOT and _crc([organization_id, case.body]) % 2 == 0:
            body = copy.deepcopy(SNAPSHOT)
            case.path_parameters = {**case.path_parameters, "organization_id": SNAPSHOT_ORGANIZATION}
            # As JSON: PyYAML writes YAML 1.1, where `08194` (a postal code) is a plain string; the
            # emulator reads YAML 1.2, where it is the integer 8194.
            case.media_type = "application/json"
    elif path == "/v1/customer-portal/customers/me/payment-methods/confirm" and body is not None:
        # A setup intent waiting for the customer's action (a card that needs authentication),
        # three times in four; any other id is Polar's 422.
        if _crc(body) % 4:
            pending = _portal_card("pm_card_authenticationRequired")
            if isinstance(pending, dict) and isinstance(pending.get("client_secret"), str):
                body["setup_intent_id"] = pending["client_secret"].split("_secret_")[0]
    elif path == "/v1/customer-portal/customers/me" and method == "PATCH" and body is not None:
        # A default payment method must be one of the customer's, a billing address is never
        # reset to null, a tax id needs a country and its format (all 422s): kept one time in four.
        if _crc(body) % 4:
            if body.get("tax_id") is not None:
                body.pop("tax_id")
            if body.get("default_payment_method_id") is not None:
                saved = _portal_card("tok_mastercard")
                if isinstance(saved, dict) and isinstance(saved.get("payment_method"), dict):
                    body["default_payment_method_id"] = saved["payment_method"]["id"]
            else:
                body.pop("default_payment_method_id", None)
            if "billing_address" in body and body["billing_address"] is None:
                body.pop("billing_address")
    elif re.fullmatch(r"/v1/(customer-portal/)?license-keys/(validate|activate|deactivate)", path) and body is not None:
        _license_key_body(body, portal=path.startswith("/v1/customer-portal/"))
    elif path.startswith("/v1/webhooks/endpoints") and method in ("POST", "PATCH") and body is not None:
        if method == "POST":
            body.pop("organization_id", None)
        if isinstance(body.get("url"), str) and WEBHOOK_URLS:
            # The run's own receiver or a closed port, never a host out there.
            body["url"] = WEBHOOK_URLS[_crc(body) % len(WEBHOOK_URLS)]
    elif path == "/_emulator/webhooks/send" and body is not None:
        kind = SEND_KINDS.get(str(body.get("type", "")).split(".")[0])
        if kind and "id" in body:
            body["id"] = _pick(kind, body["id"])
    elif path == "/_emulator/webhooks/replay" and body is not None:
        _customer_ref(body)
        if "endpoint_id" in body:
            body["endpoint_id"] = _pick("webhook_endpoints", body["endpoint_id"])
    if body is not None:
        case.body = body


# Not a `map_case` hook: that one also runs in the coverage phase, but in the fuzzing phase any
# `map_case` (even one returning the case untouched) makes hypothesis retry the rejected negative
# draws of operations whose only parameter is a string, up to seconds per case. `before_call` runs
# in every phase, on the case about to be sent, outside generation. It may run twice for a case
# (a failure is replayed), hence the idempotent edits.
@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case, kwargs: dict[str, Any]) -> None:
    """Ids of the right kind in paths, filters and bodies; creates and updates that can succeed."""
    meta = case.meta
    if case.path == "/_emulator/webhooks/wait":
        # A wait that matches nothing holds its case for `timeout_ms`: 50 ms is enough to see a 408.
        # Also in negative cases (an unknown parameter is accepted, then the wait runs): only a
        # `timeout_ms` that is not a whole number (the negative part) is left as it is.
        query = dict(case.query or {})
        timeout = query.get("timeout_ms")
        if timeout is None or (isinstance(timeout, int) and not isinstance(timeout, bool) and timeout > 50):
            query["timeout_ms"] = 50
        elif isinstance(timeout, str) and timeout.strip().isdigit() and int(timeout) > 50:
            query["timeout_ms"] = "50"
        if meta is not None and not _is_negative(case, ParameterLocation.QUERY) and _crc(query) % 4:
            # Three positive waits in four look for any one delivery, which the log has: a 200.
            # (Random filters match nothing, and a run of 408s reads as a validation mismatch.)
            _refresh_webhook_events()
            query = {"timeout_ms": query["timeout_ms"], "count": 1}
        case.query = query
    if meta is None:
        return
    _ids_in_path_and_query(case, meta.phase.name.value)
    if case.path == "/v1/events/" and case.method.upper() == "GET" and not _is_negative(case, ParameterLocation.QUERY):
        _event_list_query(case)
    if not meta.is_negative_at(ParameterLocation.BODY):
        _body(case)


def _content_type(response: Any) -> str:
    for name, values in response.headers.items():
        if name.lower() == "content-type" and values:
            return values[0]
    return ""


def _objects(value: Any) -> Any:
    """The objects an answer carries: itself, its items, and what a control-plane answer wraps."""
    if isinstance(value, dict):
        yield value
        for key in ("items", "subscription", "customer_meter", "customer_meters", "grant", "state"):
            yield from _objects(value.get(key))
    elif isinstance(value, list):
        for item in value:
            yield from _objects(item)


# The resets that put the default organization back to its seeded state (BOOT).
RESETS = ("POST /_emulator/reset", "POST /_emulator/organizations/{organization_id}/reset")


@schemathesis.hook
def after_call(context: schemathesis.HookContext, case: schemathesis.Case, response: Any) -> None:
    """Keeps HELD up to date: objects answered, customers deleted, resets."""
    if not 200 <= response.status_code < 300:
        return
    label = case.operation.label
    parameters = case.path_parameters or {}
    organization = _canonical(parameters.get("organization_id"))
    if label in RESETS:
        if BOOT and (label == RESETS[0] or organization == HELD.organization_id):
            HELD.load({**BOOT, "scenario_organizations": HELD.scenario_organizations})
        if label == RESETS[0]:
            _restore_snapshot_organization()  # removed by the reset
        return
    if label == "POST /_emulator/organizations/{organization_id}/fixtures" and organization == SNAPSHOT_ORGANIZATION:
        _restore_snapshot_organization()  # small again
        return
    if label in ("POST /v1/license-keys/deactivate", "POST /v1/customer-portal/license-keys/deactivate"):
        activation = _canonical((case.body or {}).get("activation_id")) if isinstance(case.body, dict) else None
        for pair in list(HELD.pool("license_key_activation_pairs")[0]):
            if pair.split("|", 1)[0] == activation:
                HELD.forget("license_key_activation_pairs", pair)
        return
    if label == "POST /v1/orders/{id}/invoice":
        HELD.add("invoiced_orders", _canonical(parameters.get("id")) or "")
        return
    if label == "DELETE /v1/customer-portal/members/{id}":
        HELD.deleted_member(identifier=_canonical(parameters.get("id")))
    if label == "DELETE /v1/customers/{id}/members/{member_id}":
        HELD.deleted_member(identifier=_canonical(parameters.get("member_id")))
    elif label == "DELETE /v1/customers/external/{external_id}/members/{member_external_id}":
        HELD.deleted_member(externals=(parameters.get("external_id"), parameters.get("member_external_id")))
    elif label == "DELETE /v1/customers/{id}":
        HELD.deleted_customer(identifier=_canonical(parameters.get("id")))
    elif case.method.upper() == "DELETE" and label in RESOURCE_PATHS and not case.path.startswith("/v1/customer-portal/subscriptions/"):
        HELD.forget(RESOURCE_PATHS[label], _canonical(parameters.get("id")))
    elif label == "DELETE /v1/customers/external/{external_id}":
        HELD.deleted_customer(external_id=parameters.get("external_id"))
    elif "json" in _content_type(response):
        try:
            answer = response.json()
        except ValueError:
            return
        for item in _objects(answer):
            HELD.seen(item)


# --- Checks and deserializers --------------------------------------------------------------------

# Statuses an operation answers, as Polar does, that Polar's published spec leaves out, with the
# `error` its body carries. `status_code_conformance` is off in schemathesis.toml and
# `polar_status_code_conformance` runs in its place: for these operations it allows exactly
# these statuses with a JSON body naming this error, and applies `status_code_conformance` to
# every other status (and to every other operation).
POLAR_STATUSES: dict[str, dict[int, str]] = {
    # Polar's SubscriptionService.uncancel (server/polar/subscription/service.py):
    # `cancel_at_period_end: false` on an ended subscription raises ResourceUnavailable (410), on
    # one that is not canceling BadRequest (400). Neither is in Polar's OpenAPI document.
    "PATCH /v1/subscriptions/{id}": {410: "ResourceUnavailable", 400: "BadRequest"},
    # Only a user may create an organization (server/polar/organization/auth.py
    # `OrganizationsCreate`): an organization token is taken for no token, 401 Unauthorized,
    # which Polar's document does not list.
    "POST /v1/organizations/": {401: "Unauthorized"},
    # Polar's `list_members` (server/polar/member/endpoints.py) parses `customer_id`, a plain string
    # in its spec, with Python's UUID() and raises ResourceNotFound("Invalid customer ID format").
    "GET /v1/members/": {404: "ResourceNotFound"},
    # Polar's `list_seats` (server/polar/customer_seat/endpoints.py, and the portal's in
    # customer_portal/endpoints/customer_seat.py) raises BadRequest("Either subscription_id or
    # order_id must be provided") without either; its document lists no 400.
    "GET /v1/customer-seats": {400: "BadRequest"},
    "GET /v1/customer-portal/seats": {400: "BadRequest"},
    # POST /v1/orders/ with a valid body: OrderService.create_draft_order (server/polar/order/
    # service.py) raises OffSessionChargesNotEnabled for an organization without the
    # `off_session_charges_enabled` feature (none of the emulator's has it). Polar's document
    # lists 201 and 422 only.
    "POST /v1/orders/": {403: "OffSessionChargesNotEnabled"},
    # POST /v1/refunds/: RefundService.create (server/polar/refund/service.py) raises
    # RevokeSubscriptionBenefitsProhibited (revoke_benefits for a subscription's order) and
    # RefundUnknownPayment (an order no payment settled). Polar's document lists 201, 403 and 422.
    "POST /v1/refunds/": {400: "RevokeSubscriptionBenefitsProhibited", 404: "RefundUnknownPayment"},
    # License key validation with `increment_usage` over what `limit_usage` leaves: BadRequest (400)
    # "License key only has N more usages." (server/polar/license_key/service.py `validate`).
    "POST /v1/license-keys/validate": {400: "BadRequest"},
    "POST /v1/customer-portal/license-keys/validate": {400: "BadRequest"},
    # The portal's uncancel is the subscription service's (customer_portal/service/subscription.py).
    "PATCH /v1/customer-portal/subscriptions/{id}": {410: "ResourceUnavailable", 400: "BadRequest"},
}


def _body_not_utf8(response: Any) -> bool:
    """Whether the request's body was bytes that are not UTF-8 (schemathesis sends some)."""
    raw = getattr(getattr(response, "request", None), "body", None)
    if not isinstance(raw, bytes):
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


# FastAPI's answer to a body its `json.loads` cannot decode as text (fastapi/routing.py: any error
# reading the body but a JSONDecodeError becomes HTTPException(400)), on every operation with a body.
NOT_UTF8_BODY = {"detail": "There was an error parsing the body"}


@schemathesis.check
def polar_status_code_conformance(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """`status_code_conformance`, plus FastAPI's 400 for a body that is not UTF-8 on every operation,
    plus the statuses of POLAR_STATUSES for their operations."""
    if response.status_code == 400 and _body_not_utf8(response):
        assert response.json() == NOT_UTF8_BODY, f"a body that is not UTF-8 must get {NOT_UTF8_BODY!r}"
        return True
    allowed = POLAR_STATUSES.get(case.operation.label)
    if allowed is None:
        return status_code_conformance(ctx, response, case)
    error = allowed.get(response.status_code)
    if error is None:
        return status_code_conformance(ctx, response, case)
    content_type = _content_type(response)
    assert content_type.startswith("application/json"), f"{response.status_code} with Content-Type {content_type!r}"
    body = response.json()
    assert isinstance(body, dict) and body.get("error") == error and isinstance(body.get("detail"), str), (
        f"{response.status_code} must carry Polar's {error} error, got {body!r}"
    )
    return True


# Answers of Polar's that its document gives another body schema, by operation: contract/fuzz/
# polar.toml turns `response_schema_conformance` off for these operations, and
# `polar_response_schema_conformance` runs it in its place for every other answer, and asserts
# Polar's body for these:
# - a 400 to a body that is not UTF-8 is FastAPI's NOT_UTF8_BODY (asserted by
#   `polar_status_code_conformance`), where confirm documents Polar's PaymentError;
# - `GET /v1/orders/{id}/invoice` of an order no invoice was generated for: 404 InvoiceDoesNotExist
#   (OrderService.get_order_invoice, server/polar/order/service.py), documented as ResourceNotFound;
# - `GET /v1/orders/{id}/receipt` of an order nothing was paid for: 404 ReceiptNotAllocated
#   (OrderService.get_order_receipt), documented as ResourceNotFound.
OWN_ERRORS: dict[str, dict[int, str]] = {
    "POST /v1/checkouts/client/{client_secret}/confirm": {},
    "GET /v1/orders/{id}/invoice": {404: "InvoiceDoesNotExist"},
    "GET /v1/orders/{id}/receipt": {404: "ReceiptNotAllocated"},
    "POST /v1/orders/{id}/invoice": {},
}

# Operations whose document gives 422 only their own error's schema, while FastAPI answers a
# request it cannot validate (a path id that is not a UUID: the stateful phase follows a seat's
# `order_id: null` there as `None`) with its RequestValidationError before the handler runs.
FASTAPI_422 = {"POST /v1/orders/{id}/invoice"}


@schemathesis.check
def polar_response_schema_conformance(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """`response_schema_conformance` for the operations of OWN_ERRORS, but for their own errors."""
    own = OWN_ERRORS.get(case.operation.label)
    if own is None:
        return None
    if response.status_code == 400 and _body_not_utf8(response):
        return True
    if response.status_code == 422 and case.operation.label in FASTAPI_422:
        body = response.json()
        if isinstance(body, dict) and body.get("error") == "RequestValidationError":
            detail = body.get("detail")
            assert isinstance(detail, list) and all(
                isinstance(item, dict) and {"type", "loc", "msg"} <= set(item) for item in detail
            ), f"422 must carry FastAPI's validation details, got {body!r}"
            return True
    error = own.get(response.status_code)
    if error is not None:
        body = response.json()
        if isinstance(body, dict) and body.get("error") == error:
            assert isinstance(body.get("detail"), str) and set(body) == {"error", "detail"}, (
                f"{response.status_code} must carry Polar's {error} error, got {body!r}"
            )
            return True
    return response_schema_conformance(ctx, response, case)


def _declared_text(operation: Any, status_code: int) -> bool:
    """Whether the operation declares this response's YAML body as `type: string`."""
    responses = operation.definition.raw.get("responses", {})
    entry = responses.get(str(status_code)) or responses.get("default") or {}
    for media_type, content in (entry.get("content") or {}).items():
        if "yaml" in media_type:
            return ((content or {}).get("schema") or {}).get("type") == "string"
    return False


class _Yaml12Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML 1.2's core schema, which the emulator writes (the `yaml` package): PyYAML's YAML 1.1
    would read `12:30` as the integer 750, `012` as 10, `1_000` as 1000, `yes` as true."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # none of SafeLoader's: only those added below

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        # Keys are strings, as in the same document as JSON.
        self.flatten_mapping(node)
        return {str(key.value): self.construct_object(value, deep=deep) for key, value in node.value}


def _core_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    return int(text, 0) if text.lstrip("+-")[:2] in ("0o", "0x") else int(text, 10)


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    _Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))
_Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _core_int)


@schemathesis.deserializer("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
def yaml_body(context: schemathesis.DeserializationContext, response: schemathesis.Response) -> Any:
    """The text as the string the spec declares (`type: string`), else the document, read as YAML 1.2."""
    text = response.content.decode(response.encoding or "utf-8")
    if _declared_text(context.operation, response.status_code):
        return text
    return yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 - a SafeLoader
