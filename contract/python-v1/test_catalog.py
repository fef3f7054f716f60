"""Products, benefits and discounts through polar-sdk 1.x, in each version module.

Products: create (recurring and one-time, each price type the emulator serves), get, list with its
filters, update_benefits, update (fields, archiving, prices kept, added and archived, a seat-based
price in the version's shape). Benefits: create each type an organization token may create, get,
list with its filters, a benefit's grants, update, delete (off products, grants revoked), and a
downloadables benefit's files. Discounts: create (fixed and percentage), get, list, update, delete.
Run by test/contract-python-v1.test.ts (see test_customers.py).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
from conftest import Tenant
from support import call, raises
from test_customers import assert_not_found, assert_recent, parse_time, validation_error


def recurring(tenant: Tenant, name: str = "Pro", amount: int = 1500, **fields: Any) -> Any:
    return tenant.polar.products.create(
        name=name, recurring_interval="month", prices=[{"amount_type": "fixed", "price_amount": amount}], **fields
    )


def meter(tenant: Tenant, name: str = "API calls", event: str = "api_call") -> Any:
    return tenant.polar.meters.create(
        name=name,
        filter={"conjunction": "and", "clauses": [{"property": "name", "operator": "eq", "value": event}]},
        aggregation={"func": "count"},
    )


# --------------------------------------------------------------------------------------------
# Products
# --------------------------------------------------------------------------------------------


def test_creates_a_recurring_product(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    product = recurring(tenant, description="The pro plan", metadata={"tier": "pro"})
    assert isinstance(product, outputs.Product)
    assert_recent(product.created_at)
    assert (product.name, product.description, product.metadata) == ("Pro", "The pro plan", {"tier": "pro"})
    assert (product.is_recurring, product.recurring_interval, product.recurring_interval_count) == (True, "month", 1)
    assert (product.is_archived, product.visibility, product.organization_id) == (
        False,
        "public",
        tenant.organization_id,
    )
    assert (product.trial_interval, product.meter_interval, product.benefits, product.medias) == (None, None, [], [])
    # A new product is referenced by nothing yet (no order, subscription, trial or discount).
    assert product.is_deletable is True
    [price] = product.prices
    assert isinstance(price, outputs.ProductPriceFixed)
    assert (price.amount_type, price.price_amount, price.price_currency) == ("fixed", 1500, "usd")
    assert (price.product_id, price.is_archived, price.source) == (product.id, False, "catalog")
    assert tenant.polar.products.get(product.id) == product


def test_creates_a_one_time_product_with_each_price_type(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    calls = meter(tenant)
    one_time = tenant.polar.products.create(
        name="Lifetime", prices=[{"amount_type": "custom", "minimum_amount": 500, "preset_amount": 1000}]
    )
    assert (one_time.is_recurring, one_time.recurring_interval) == (False, None)
    [custom] = one_time.prices
    assert isinstance(custom, outputs.ProductPriceCustom)
    assert (custom.minimum_amount, custom.maximum_amount, custom.preset_amount) == (500, None, 1000)

    # The 1.x clients have no `free` price type any more: a free plan is a fixed price of 0.
    free = tenant.polar.products.create(
        name="Free", recurring_interval="year", prices=[{"amount_type": "fixed", "price_amount": 0}]
    )
    assert [(type(price), price.price_amount) for price in free.prices] == [(outputs.ProductPriceFixed, 0)]
    assert (free.recurring_interval, free.recurring_interval_count) == ("year", 1)

    metered = tenant.polar.products.create(
        name="Usage",
        recurring_interval="month",
        prices=[
            {"amount_type": "fixed", "price_amount": 900},
            {"amount_type": "metered_unit", "meter_id": calls.id, "unit_amount": "0.5", "cap_amount": 10_000},
        ],
    )
    fixed, unit = metered.prices
    assert isinstance(fixed, outputs.ProductPriceFixed) and isinstance(unit, outputs.ProductPriceMeteredUnit)
    assert (unit.meter_id, unit.meter.id, unit.meter.name, unit.cap_amount) == (calls.id, calls.id, "API calls", 10_000)
    assert unit.unit_amount == "0.5"
    # Read back from the database, the decimal has the column's 12 places (Numeric(17, 12)).
    read = tenant.polar.products.get(metered.id)
    assert read.prices[1].unit_amount == "0.500000000000"
    read.prices[1].unit_amount = "0.5"
    assert read == metered


def test_creates_a_seat_based_product_in_the_versions_shape(tenant: Tenant) -> None:
    """2027-01 replaced `seat_tiers` by `tiers` + `minimum_units`/`maximum_units` (docs/polar-versions.md
    §2.2); the earlier versions keep `seat_tiers`."""
    outputs = tenant.api.outputs
    if tenant.api.number >= 202701:
        product = tenant.polar.products.create(
            name="Team",
            recurring_interval="month",
            prices=[
                {
                    "amount_type": "seat_based",
                    "tiers": {"type": "graduated", "tiers": [{"bound": 5, "unit_amount": 1000}, {"unit_amount": 800}]},
                    "minimum_units": 2,
                }
            ],
        )
        [price] = product.prices
        assert isinstance(price, outputs.ProductPriceSeatBased)
        # Tier.unit_amount is a decimal string on output, however many places it is written with.
        assert price.tiers.type == "graduated"
        assert [(tier.bound, Decimal(tier.unit_amount)) for tier in price.tiers.tiers] == [(5, 1000), (None, 800)]
        assert (price.minimum_units, price.maximum_units) == (2, None)
    else:
        product = tenant.polar.products.create(
            name="Team",
            recurring_interval="month",
            prices=[
                {
                    "amount_type": "seat_based",
                    "seat_tiers": {
                        "seat_tier_type": "graduated",
                        "tiers": [
                            {"min_seats": 1, "max_seats": 5, "price_per_seat": 1000},
                            {"min_seats": 6, "price_per_seat": 800},
                        ],
                    },
                }
            ],
        )
        [price] = product.prices
        assert isinstance(price, outputs.ProductPriceSeatBased)
        assert (price.seat_tiers.minimum_seats, price.seat_tiers.maximum_seats) == (1, None)
        assert [(t.min_seats, t.max_seats, t.price_per_seat) for t in price.seat_tiers.tiers] == [
            (1, 5, 1000),
            (6, None, 800),
        ]
    assert tenant.polar.products.get(product.id) == product


def test_lists_products_with_filters(tenant: Tenant) -> None:
    products = tenant.polar.products
    perk = tenant.polar.benefits.create(type="custom", description="Priority support", properties={})
    pro = recurring(tenant, "Pro", metadata={"tier": "pro"})
    basic = recurring(tenant, "Basic", 500, metadata={"tier": "basic"})
    lifetime = products.create(name="Lifetime", prices=[{"amount_type": "fixed", "price_amount": 9900}])
    products.update_benefits(pro.id, benefits=[perk.id])

    def listed(**query: Any) -> list[str]:
        return [product.name for product in products.list(**query).items]

    assert listed() == ["Lifetime", "Basic", "Pro"]
    assert listed(sorting=["name"]) == ["Basic", "Lifetime", "Pro"]
    assert listed(sorting=["price_amount"]) == ["Basic", "Pro", "Lifetime"]
    assert listed(is_recurring=True, sorting=["name"]) == ["Basic", "Pro"]
    assert listed(is_recurring=False) == ["Lifetime"]
    assert listed(query="life") == ["Lifetime"]
    assert listed(id=[pro.id, lifetime.id], sorting=["name"]) == ["Lifetime", "Pro"]
    assert listed(benefit_id=perk.id) == ["Pro"]
    assert listed(metadata={"tier": "basic"}) == ["Basic"]
    assert listed(is_archived=True) == []
    assert listed(visibility=["public"], sorting=["name"]) == ["Basic", "Lifetime", "Pro"]
    assert listed(organization_id=str(uuid.uuid4())) == []
    page = products.list(limit=2)
    assert page.pagination == tenant.api.outputs.Pagination(total_count=3, max_page=2)
    assert [product.id for product in products.iter_list(limit=2)] == [lifetime.id, basic.id, pro.id]


def test_update_benefits_attaches_in_order_and_detaches(tenant: Tenant) -> None:
    benefits = tenant.polar.benefits
    first = benefits.create(type="custom", description="First perk", properties={"note": "one"})
    second = benefits.create(type="feature_flag", description="Second perk", properties={})
    pro = recurring(tenant)
    updated = tenant.polar.products.update_benefits(pro.id, benefits=[second.id, first.id])
    assert [benefit.id for benefit in updated.benefits] == [second.id, first.id]
    assert updated.benefits == [second, first]
    # The product's own row does not change (only its product_benefits rows), so neither does
    # modified_at.
    assert updated.modified_at is None
    assert tenant.polar.products.get(pro.id) == updated
    assert tenant.polar.products.update_benefits(pro.id, benefits=[]).benefits == []

    assert_not_found(tenant, raises(lambda: tenant.polar.products.get(str(uuid.uuid4()))))
    assert_not_found(tenant, raises(lambda: tenant.polar.products.update_benefits(str(uuid.uuid4()), benefits=[])))


def test_rejects_an_invalid_product(tenant: Tenant) -> None:
    [detail] = validation_error(
        tenant, raises(lambda: tenant.polar.products.create(name="No prices", recurring_interval="month", prices=[]))
    )
    assert (detail.loc, detail.type) == (["body", "recurring", "prices"], "too_short")
    assert detail.msg == "List should have at least 1 item after validation, not 0"


# --------------------------------------------------------------------------------------------
# Benefits
# --------------------------------------------------------------------------------------------


def test_creates_each_benefit_type(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    benefits = tenant.polar.benefits
    calls = meter(tenant)
    custom = benefits.create(type="custom", description="Priority support", properties={"note": "Mail us"})
    assert isinstance(custom, outputs.BenefitCustom)
    assert custom.properties == outputs.BenefitCustomProperties(note="Mail us")
    assert (custom.selectable, custom.deletable, custom.is_deleted) == (True, True, False)
    assert custom.organization_id == tenant.organization_id

    keys = benefits.create(
        type="license_keys",
        description="License key",
        properties={"prefix": "ACME", "activations": {"limit": 3, "enable_customer_admin": True}},
    )
    assert isinstance(keys, outputs.BenefitLicenseKeys)
    assert keys.properties.prefix == "ACME"
    assert keys.properties.activations == outputs.BenefitLicenseKeyActivationProperties(
        limit=3, enable_customer_admin=True
    )

    flag = benefits.create(type="feature_flag", description="Beta access", properties={}, metadata={"flag": "beta"})
    assert isinstance(flag, outputs.BenefitFeatureFlag)
    assert flag.metadata == {"flag": "beta"}

    credit = benefits.create(
        type="meter_credit",
        description="1000 calls",
        properties={"meter_id": calls.id, "units": 1000, "rollover": False},
    )
    assert isinstance(credit, outputs.BenefitMeterCredit)
    assert credit.properties == outputs.BenefitMeterCreditProperties(meter_id=calls.id, units=1000, rollover=False)

    for benefit in (custom, keys, flag, credit):
        assert benefits.get(benefit.id) == benefit
    assert_not_found(tenant, raises(lambda: benefits.get(str(uuid.uuid4()))))


def test_creates_a_discord_benefit_with_a_guild_id(tenant: Tenant) -> None:
    """Polar replaced the Discord `guild_token` (a JWT from its OAuth flow) by `guild_id`, in input and
    output, in every version these clients know (docs/polar-versions.md §2.1, §3)."""
    discord = tenant.polar.benefits.create(
        type="discord",
        description="Discord role",
        properties={"guild_id": "1234567890", "role_id": "987654321", "kick_member": True},
    )
    assert isinstance(discord, tenant.api.outputs.BenefitDiscord)
    assert discord.properties == tenant.api.outputs.BenefitDiscordProperties(
        guild_id="1234567890", role_id="987654321", kick_member=True
    )
    assert tenant.polar.benefits.get(discord.id) == discord


def test_lists_benefits_with_filters(tenant: Tenant) -> None:
    benefits = tenant.polar.benefits
    support = benefits.create(type="custom", description="Priority support", properties={}, metadata={"k": "a"})
    flag = benefits.create(type="feature_flag", description="Beta flag", properties={})
    key = benefits.create(type="license_keys", description="License key", properties={})

    def listed(**query: Any) -> list[str]:
        return [benefit.id for benefit in benefits.list(**query).items]

    assert listed() == [key.id, flag.id, support.id]
    assert listed(sorting=["description"]) == [flag.id, key.id, support.id]
    assert listed(type="custom") == [support.id]
    assert listed(type=["custom", "feature_flag"]) == [flag.id, support.id]
    assert listed(id=[support.id, key.id]) == [key.id, support.id]
    assert listed(exclude_id=flag.id) == [key.id, support.id]
    assert listed(query="FLAG") == [flag.id]
    assert listed(metadata={"k": "a"}) == [support.id]
    assert [benefit.id for benefit in benefits.iter_list(limit=1)] == [key.id, flag.id, support.id]
    assert benefits.list(limit=1).pagination == tenant.api.outputs.Pagination(total_count=3, max_page=3)


# --------------------------------------------------------------------------------------------
# Discounts
# --------------------------------------------------------------------------------------------


def test_discounts_create_list_get_update_delete(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    discounts = tenant.polar.discounts
    pro = recurring(tenant, amount=2000)
    fixed = discounts.create(
        type="fixed",
        name="Ten off",
        duration="repeating",
        duration_in_months=12,
        amounts={"eur": 900, "gbp": 800},
        code="TEN",
        starts_at="2026-01-01T00:00:00Z",
        products=[pro.id],
    )
    # The client's union loads the first member that fits: DiscountFixedOnceForeverDuration comes
    # first and its `duration` accepts every value (outputs.Discount), so check the fields.
    assert (fixed.type, fixed.duration, fixed.amount, fixed.currency, fixed.amounts) == (
        "fixed",
        "repeating",
        900,
        "eur",
        {"eur": 900, "gbp": 800},
    )
    assert (fixed.code, fixed.starts_at, fixed.ends_at, fixed.redemptions_count) == (
        "TEN",
        "2026-01-01T00:00:00Z",
        None,
        0,
    )
    assert [product.id for product in fixed.products] == [pro.id]
    assert fixed.organization_id == tenant.organization_id
    assert_recent(fixed.created_at)

    half = discounts.create(type="percentage", name="Half", duration="once", basis_points=5000)
    assert isinstance(half, outputs.DiscountPercentageOnceForeverDuration)
    assert (half.basis_points, half.duration, half.products, half.code) == (5000, "once", [], None)

    page = discounts.list(sorting=["-name"])
    assert [item.name for item in page.items] == ["Ten off", "Half"]
    assert page.pagination == outputs.Pagination(total_count=2, max_page=1)
    assert [item.id for item in discounts.iter_list(limit=1)] == [half.id, fixed.id]
    assert [item.id for item in discounts.list(query="ten").items] == [fixed.id]
    assert discounts.get(fixed.id) == fixed

    updated = discounts.update(fixed.id, name="Ten percent", ends_at="2026-12-31T23:59:59Z", metadata={"a": "b"})
    assert (updated.name, updated.ends_at, updated.metadata) == ("Ten percent", "2026-12-31T23:59:59Z", {"a": "b"})
    assert updated.modified_at is not None

    [invalid] = validation_error(
        tenant,
        raises(lambda: discounts.create(type="percentage", name="Bad", duration="repeating", basis_points=1)),
    )
    assert (invalid.loc, invalid.type) == (["body", "percentage"], "value_error")
    assert invalid.msg == "Value error, `duration_in_months` is required when `duration` is `repeating`."
    [duration] = validation_error(tenant, raises(lambda: discounts.update(fixed.id, duration="forever")))
    assert (duration.loc, duration.msg) == (["body", "duration"], "Duration cannot be changed.")

    assert discounts.delete(half.id) is None
    assert_not_found(tenant, raises(lambda: discounts.get(half.id)))
    assert_not_found(tenant, raises(lambda: discounts.update(half.id, name="x")))
    assert_not_found(tenant, raises(lambda: discounts.delete(half.id)))
    assert [item.id for item in discounts.list().items] == [fixed.id]


# --------------------------------------------------------------------------------------------
# Updating products and benefits, deleting benefits, a benefit's files
# --------------------------------------------------------------------------------------------

DEFAULT_CURRENCY = "The organization's default presentment currency must be present in the prices."


def test_updates_a_product_field_by_field(tenant: Tenant) -> None:
    products = tenant.polar.products
    pro = recurring(tenant, "Pro", 2000, description="Old", metadata={"tier": "pro"})
    updated = products.update(
        pro.id,
        name="  Pro plan  ",
        description="Everything",
        visibility="private",
        metadata={"tier": "gold", "seats": 5},
        trial_interval="day",
        trial_interval_count=14,
    )
    assert isinstance(updated, tenant.api.outputs.Product)
    assert (updated.id, updated.created_at, updated.name, updated.description, updated.visibility) == (
        pro.id,
        pro.created_at,
        "Pro plan",
        "Everything",
        "private",
    )
    assert (updated.metadata, updated.trial_interval, updated.trial_interval_count) == (
        {"tier": "gold", "seats": 5},
        "day",
        14,
    )
    assert (updated.recurring_interval, updated.is_archived, updated.prices) == ("month", False, pro.prices)
    assert updated.modified_at is not None and parse_time(updated.modified_at) >= parse_time(pro.created_at)
    assert products.get(pro.id) == updated
    # A field left out stays; an update that changes no column keeps modified_at.
    assert products.update(pro.id, name="Pro plan") == updated

    archived = products.update(pro.id, is_archived=True)
    assert archived.is_archived is True
    assert [product.id for product in products.list(is_archived=True).items] == [pro.id]
    assert products.update(pro.id, is_archived=False).is_archived is False

    assert_not_found(tenant, raises(lambda: products.update(str(uuid.uuid4()), name="Gone")))
    [interval] = validation_error(tenant, raises(lambda: products.update(pro.id, recurring_interval="year")))
    assert (interval.loc, interval.type, interval.msg, interval.input) == (
        ["body", "recurring_interval"],
        "value_error",
        "Recurring interval cannot be changed.",
        "year",
    )
    # Polar's product name is stripped, then measured by its own validator.
    [short] = validation_error(tenant, raises(lambda: products.update(pro.id, name=" ab ")))
    assert (short.loc, short.type, short.msg) == (
        ["body", "name"],
        "too_short",
        "Value should have at least 3 items after validation, not 2",
    )


def test_updates_a_products_prices_kept_added_and_archived(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    products = tenant.polar.products
    pro = recurring(tenant, "Pro", 2000)
    [usd] = pro.prices
    updated = products.update(
        pro.id, prices=[{"id": usd.id}, {"amount_type": "fixed", "price_amount": 1800, "price_currency": "eur"}]
    )
    kept, eur = updated.prices
    assert kept == usd
    assert isinstance(eur, outputs.ProductPriceFixed)
    assert (eur.price_amount, eur.price_currency, eur.product_id, eur.is_archived, eur.modified_at) == (
        1800,
        "eur",
        pro.id,
        False,
        None,
    )
    # Only prices changed: the product's own row, and its modified_at, stay as they were.
    assert updated.modified_at is None
    assert products.get(pro.id) == updated

    # A price left out is archived and leaves the product; it cannot be named again.
    euro_only = validation_error(tenant, raises(lambda: products.update(pro.id, prices=[{"id": eur.id}])))
    assert [(detail.loc, detail.msg) for detail in euro_only] == [(["body", "prices"], DEFAULT_CURRENCY)]
    replaced = products.update(pro.id, prices=[{"amount_type": "fixed", "price_amount": 2500}])
    [new] = replaced.prices
    assert (new.price_amount, new.price_currency) == (2500, "usd")
    assert new.id not in {usd.id, eur.id}
    again = validation_error(tenant, raises(lambda: products.update(pro.id, prices=[{"id": usd.id}])))
    assert (again[0].loc, again[0].msg, again[0].input) == (["body", "prices", 0], "Price does not exist.", usd.id)


def test_updates_a_product_to_a_seat_based_price_in_the_versions_shape(tenant: Tenant) -> None:
    """A price added by an update takes the version's seat-based shape, like one on create:
    `tiers` + `minimum_units` from 2027-01, `seat_tiers` before (test_creates_a_seat_based_product...)."""
    outputs = tenant.api.outputs
    team = recurring(tenant, "Team", 1000)
    if tenant.api.number >= 202701:
        updated = tenant.polar.products.update(
            team.id,
            prices=[
                {
                    "amount_type": "seat_based",
                    "tiers": {"type": "volume", "tiers": [{"bound": 10, "unit_amount": 900}, {"unit_amount": "700"}]},
                    "minimum_units": 3,
                }
            ],
        )
        [price] = updated.prices
        assert isinstance(price, outputs.ProductPriceSeatBased)
        assert price.tiers.type == "volume"
        assert [(tier.bound, Decimal(tier.unit_amount)) for tier in price.tiers.tiers] == [(10, 900), (None, 700)]
        assert (price.minimum_units, price.maximum_units) == (3, None)
    else:
        updated = tenant.polar.products.update(
            team.id,
            prices=[
                {
                    "amount_type": "seat_based",
                    "seat_tiers": {
                        "seat_tier_type": "volume",
                        "tiers": [
                            {"min_seats": 3, "max_seats": 10, "price_per_seat": 900},
                            {"min_seats": 11, "price_per_seat": 700},
                        ],
                    },
                }
            ],
        )
        [price] = updated.prices
        assert isinstance(price, outputs.ProductPriceSeatBased)
        assert (price.seat_tiers.seat_tier_type, price.seat_tiers.minimum_seats, price.seat_tiers.maximum_seats) == (
            "volume",
            3,
            None,
        )
        assert [(t.min_seats, t.max_seats, t.price_per_seat) for t in price.seat_tiers.tiers] == [
            (3, 10, 900),
            (11, None, 700),
        ]
    assert price.id != team.prices[0].id
    assert tenant.polar.products.get(team.id) == updated


def test_updates_benefits_of_their_own_type_only(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    benefits = tenant.polar.benefits
    support = benefits.create(
        type="custom", description="Support", metadata={"level": "gold"}, properties={"note": "Old"}
    )
    updated = benefits.update(
        support.id,
        type="custom",
        description="Priority support",
        visibility="private",
        metadata={"level": "platinum"},
        properties={"note": "Write to us"},
    )
    assert isinstance(updated, outputs.BenefitCustom)
    assert (updated.id, updated.created_at, updated.description, updated.visibility, updated.metadata) == (
        support.id,
        support.created_at,
        "Priority support",
        "private",
        {"level": "platinum"},
    )
    assert updated.properties == outputs.BenefitCustomProperties(note="Write to us")
    assert updated.modified_at is not None
    assert benefits.get(support.id) == updated
    # Nothing to change: answered as it is.
    assert benefits.update(support.id, type="custom") == updated

    keys = benefits.create(type="license_keys", description="License key", properties={"prefix": "ACME"})
    more = benefits.update(
        keys.id,
        type="license_keys",
        description="License keys",
        properties={"prefix": " PRO ", "limit_usage": 5, "activations": {"limit": 2, "enable_customer_admin": False}},
    )
    assert isinstance(more, outputs.BenefitLicenseKeys)
    assert (more.description, more.properties.prefix, more.properties.limit_usage) == ("License keys", "PRO", 5)
    assert more.properties.activations == outputs.BenefitLicenseKeyActivationProperties(
        limit=2, enable_customer_admin=False
    )

    [changed] = validation_error(
        tenant, raises(lambda: benefits.update(support.id, type="feature_flag", description="Flag"))
    )
    assert (changed.loc, changed.type, changed.msg, changed.input) == (
        ["body", "type"],
        "value_error",
        "Benefit type cannot be changed.",
        "custom",
    )
    assert benefits.get(support.id) == updated
    short = validation_error(tenant, raises(lambda: benefits.update(support.id, type="custom", description="ab")))
    assert (short[0].loc, short[0].type) == (["body", "BenefitCustomUpdate", "description"], "string_too_short")
    assert_not_found(tenant, raises(lambda: benefits.update(str(uuid.uuid4()), type="custom", description="Gone")))


def test_deletes_a_benefit_from_products_and_grants(tenant: Tenant, control: httpx.Client) -> None:
    benefits = tenant.polar.benefits
    beta = benefits.create(type="feature_flag", description="Beta access", properties={})
    swag = benefits.create(type="custom", description="Swag", properties={})
    pro = tenant.polar.products.update_benefits(recurring(tenant).id, benefits=[beta.id, swag.id])
    customer = tenant.polar.customers.create(email="granted@example.com")
    call(control, "/_emulator/benefit-grants", {"customer_id": customer.id, "benefit_id": beta.id})
    [grant] = benefits.grants(beta.id).items
    assert grant.is_granted is True

    assert benefits.delete(beta.id) is None
    for gone in (
        lambda: benefits.get(beta.id),
        lambda: benefits.delete(beta.id),
        lambda: benefits.update(beta.id, type="feature_flag", description="Back"),
        lambda: benefits.grants(beta.id),
    ):
        assert_not_found(tenant, raises(gone))
    assert [benefit.id for benefit in benefits.list().items] == [swag.id]
    product = tenant.polar.products.get(pro.id)
    assert [benefit.id for benefit in product.benefits] == [swag.id]
    assert tenant.polar.products.list(benefit_id=beta.id).items == []
    # Its grant is revoked, and the customer's state no longer has it.
    [revoked] = tenant.polar.benefit_grants.list(customer_id=customer.id).items
    assert (revoked.id, revoked.is_granted, revoked.is_revoked) == (grant.id, False, True)
    assert revoked.benefit.is_deleted is True
    assert tenant.polar.customers.get_state(customer.id).granted_benefits == []


def test_lists_a_downloadables_benefits_files(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    benefits = tenant.polar.benefits
    files = benefits.create(
        type="downloadables", description="E-book", properties={"files": [str(uuid.uuid4()), str(uuid.uuid4())]}
    )
    assert isinstance(files, outputs.BenefitDownloadables)
    # The emulator holds no uploaded file: the list is empty, on any page.
    empty = outputs.ListResourceBenefitDownloadableFile(
        items=[], pagination=outputs.Pagination(total_count=0, max_page=0)
    )
    assert benefits.files(files.id) == empty
    assert benefits.files(files.id, page=3, limit=100) == empty
    assert list(benefits.iter_files(files.id)) == []
    assert tenant.recorder.responses[1].request.url.params.multi_items() == [("page", "1"), ("limit", "10")]
    custom = benefits.create(type="custom", description="Swag", properties={})
    assert_not_found(tenant, raises(lambda: benefits.files(custom.id)))
    assert_not_found(tenant, raises(lambda: benefits.files(str(uuid.uuid4()))))
    [limit] = validation_error(tenant, raises(lambda: benefits.files(files.id, limit=0)))
    assert (limit.loc, limit.type) == (["query", "limit"], "greater_than")
