package contract

import (
	"net/http"
	"testing"

	polargo "github.com/polarsource/polar-go"
	"github.com/polarsource/polar-go/models/components"
	"github.com/polarsource/polar-go/models/operations"
)

// --------------------------------------------------------------------------------------------
// Meters
// --------------------------------------------------------------------------------------------

// countMeter counts the events named eventName.
func countMeter(t *testing.T, org tenant, name, eventName string) *components.Meter {
	t.Helper()
	res, err := org.client.Meters.Create(ctx, components.MeterCreate{
		Name: name,
		Filter: components.Filter{
			Conjunction: components.FilterConjunctionAnd,
			Clauses: []components.Clauses{components.CreateClausesFilterClause(components.FilterClause{
				Property: "name", Operator: components.FilterOperatorEq, Value: components.CreateValueStr(eventName),
			})},
		},
		Aggregation: components.CreateMeterCreateAggregationCount(components.CountAggregation{}),
	})
	ok(t, err, "Meters.Create")
	checkShape(t, res.HTTPMeta, res.Meter)
	equal(t, "status", res.HTTPMeta.Response.StatusCode, http.StatusCreated)
	return res.Meter
}

func TestMeterCreateGetAndList(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	res, err := org.client.Meters.Create(ctx, components.MeterCreate{
		Name: "  Tokens used ",
		Filter: components.Filter{
			Conjunction: components.FilterConjunctionAnd,
			Clauses: []components.Clauses{
				components.CreateClausesFilterClause(components.FilterClause{
					Property: "name", Operator: components.FilterOperatorEq, Value: components.CreateValueStr("llm"),
				}),
				components.CreateClausesFilter(components.Filter{
					Conjunction: components.FilterConjunctionOr,
					Clauses: []components.Clauses{
						components.CreateClausesFilterClause(components.FilterClause{
							Property: "metadata.model", Operator: components.FilterOperatorLike, Value: components.CreateValueStr("gpt"),
						}),
						components.CreateClausesFilterClause(components.FilterClause{
							Property: "metadata.tokens", Operator: components.FilterOperatorGt, Value: components.CreateValueInteger(100),
						}),
					},
				}),
			},
		},
		Aggregation: components.CreateMeterCreateAggregationSum(components.PropertyAggregation{Property: "metadata.tokens"}),
		Metadata:    map[string]components.MeterCreateMetadata{"team": components.CreateMeterCreateMetadataStr("ml")},
	})
	ok(t, err, "Meters.Create")
	checkShape(t, res.HTTPMeta, res.Meter)
	meter := res.Meter
	if !uuid4.MatchString(meter.ID) {
		t.Errorf("id %q", meter.ID)
	}
	recent(t, "created_at", meter.CreatedAt)
	// Polar keeps a meter's name as sent (MeterCreate.name has no strip, server/polar/meter/schemas.py).
	equal(t, "name (as sent)", meter.Name, "  Tokens used ")
	equal(t, "organization_id", meter.OrganizationID, org.id)
	equal(t, "archived_at", meter.ArchivedAt == nil, true)
	equal(t, "conjunction", meter.Filter.Conjunction, components.FilterConjunctionAnd)
	if len(meter.Filter.Clauses) != 2 || meter.Filter.Clauses[0].FilterClause == nil || meter.Filter.Clauses[1].Filter == nil {
		t.Fatalf("filter clauses = %+v", meter.Filter.Clauses)
	}
	first := meter.Filter.Clauses[0].FilterClause
	equal(t, "clause 0", first.Property+" "+string(first.Operator)+" "+str(first.Value.Str), "name eq llm")
	nested := meter.Filter.Clauses[1].Filter
	equal(t, "nested conjunction", nested.Conjunction, components.FilterConjunctionOr)
	equal(t, "nested clause 1 value", i64(nested.Clauses[1].FilterClause.Value.Integer), "100")
	equal(t, "aggregation type", meter.Aggregation.Type, components.MeterAggregationTypeSum)
	// Polar strips the "metadata." prefix (_strip_metadata_prefix, server/polar/meter/aggregation.py).
	equal(t, "aggregation", string(meter.Aggregation.PropertyAggregation.Func)+"("+meter.Aggregation.PropertyAggregation.Property+")", "sum(tokens)")
	deepEqual(t, "metadata", meter.Metadata, map[string]components.MetadataOutputType{"team": components.CreateMetadataOutputTypeStr("ml")})

	got, err := org.client.Meters.Get(ctx, meter.ID)
	ok(t, err, "Meters.Get")
	checkShape(t, got.HTTPMeta, got.Meter)
	deepEqual(t, "Meters.Get", got.Meter, meter)

	calls := countMeter(t, org, "API calls", "api_call")
	equal(t, "count aggregation", calls.Aggregation.Type, components.MeterAggregationTypeCount)
	list, err := org.client.Meters.List(ctx, operations.MetersListRequest{Sorting: []components.MeterSortProperty{components.MeterSortPropertyMinusName}})
	ok(t, err, "Meters.List")
	checkShape(t, list.HTTPMeta, list.ListResourceMeter)
	deepEqual(t, "pagination", list.ListResourceMeter.Pagination, components.Pagination{TotalCount: 2, MaxPage: 1})
	if len(list.ListResourceMeter.Items) == 2 {
		deepEqual(t, "first by -name", &list.ListResourceMeter.Items[1], meter)
		equal(t, "second by -name", list.ListResourceMeter.Items[0].ID, calls.ID)
	}
	query, err := org.client.Meters.List(ctx, operations.MetersListRequest{Query: polargo.String("token")})
	ok(t, err, "Meters.List query")
	equal(t, "query matches", len(query.ListResourceMeter.Items), 1)
	archived, err := org.client.Meters.List(ctx, operations.MetersListRequest{IsArchived: polargo.Bool(true)})
	ok(t, err, "Meters.List is_archived")
	equal(t, "archived meters", archived.ListResourceMeter.Pagination.TotalCount, 0)

	_, err = org.client.Meters.Get(ctx, "00000000-0000-4000-8000-000000000000")
	assertNotFound(t, err)
	_, err = org.client.Meters.Create(ctx, components.MeterCreate{
		Name:        "ab",
		Filter:      components.Filter{Conjunction: components.FilterConjunctionAnd, Clauses: []components.Clauses{}},
		Aggregation: components.CreateMeterCreateAggregationCount(components.CountAggregation{}),
	})
	assertValidation(t, err, "body.name", "string_too_short")
}

// --------------------------------------------------------------------------------------------
// Benefits
// --------------------------------------------------------------------------------------------

func createBenefit(t *testing.T, org tenant, body components.BenefitCreate) *components.Benefit {
	t.Helper()
	res, err := org.client.Benefits.Create(ctx, body)
	ok(t, err, "Benefits.Create "+string(body.Type))
	checkShape(t, res.HTTPMeta, res.Benefit)
	equal(t, "status", res.HTTPMeta.Response.StatusCode, http.StatusCreated)
	return res.Benefit
}

func benefitID(b components.Benefit) string {
	switch {
	case b.BenefitCustom != nil:
		return b.BenefitCustom.ID
	case b.BenefitDiscord != nil:
		return b.BenefitDiscord.ID
	case b.BenefitGitHubRepository != nil:
		return b.BenefitGitHubRepository.ID
	case b.BenefitDownloadables != nil:
		return b.BenefitDownloadables.ID
	case b.BenefitLicenseKeys != nil:
		return b.BenefitLicenseKeys.ID
	case b.BenefitMeterCredit != nil:
		return b.BenefitMeterCredit.ID
	case b.BenefitFeatureFlag != nil:
		return b.BenefitFeatureFlag.ID
	}
	return ""
}

func customBenefit(t *testing.T, org tenant, description string) string {
	t.Helper()
	return benefitID(*createBenefit(t, org, components.CreateBenefitCreateCustom(components.BenefitCustomCreate{
		Description: description, Properties: components.BenefitCustomCreateProperties{Note: polargo.String("Thanks!")},
	})))
}

func TestBenefitCreateEveryTypeTheClientKnows(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	meter := countMeter(t, org, "API calls", "api_call")

	custom := createBenefit(t, org, components.CreateBenefitCreateCustom(components.BenefitCustomCreate{
		Description: "Priority support",
		Properties:  components.BenefitCustomCreateProperties{Note: polargo.String("Write to support@example.com")},
		Metadata:    map[string]components.BenefitCustomCreateMetadata{"tier": components.CreateBenefitCustomCreateMetadataStr("gold")},
	}))
	equal(t, "custom type", custom.Type, components.BenefitUnionTypeCustom)
	c := custom.BenefitCustom
	equal(t, "custom description", c.Description, "Priority support")
	equal(t, "custom note", str(c.Properties.Note), "Write to support@example.com")
	equal(t, "custom selectable", c.Selectable, true)
	equal(t, "custom deletable", c.Deletable, true)
	equal(t, "custom organization_id", c.OrganizationID, org.id)
	recent(t, "custom created_at", c.CreatedAt)
	deepEqual(t, "custom metadata", c.Metadata, map[string]components.MetadataOutputType{"tier": components.CreateMetadataOutputTypeStr("gold")})

	credit := createBenefit(t, org, components.CreateBenefitCreateMeterCredit(components.BenefitMeterCreditCreate{
		Description: "500 API calls", Properties: components.BenefitMeterCreditCreateProperties{Units: 500, Rollover: true, MeterID: meter.ID},
	}))
	equal(t, "meter_credit type", credit.Type, components.BenefitUnionTypeMeterCredit)
	deepEqual(t, "meter_credit properties", credit.BenefitMeterCredit.Properties, components.BenefitMeterCreditProperties{Units: 500, Rollover: true, MeterID: meter.ID})

	keys := createBenefit(t, org, components.CreateBenefitCreateLicenseKeys(components.BenefitLicenseKeysCreate{
		Description: "License key",
		Properties: components.BenefitLicenseKeysCreateProperties{
			Prefix:      polargo.String("ACME"),
			Activations: &components.BenefitLicenseKeyActivationCreateProperties{Limit: 3, EnableCustomerAdmin: true},
			LimitUsage:  polargo.Int64(1000),
		},
	}))
	equal(t, "license_keys type", keys.Type, components.BenefitUnionTypeLicenseKeys)
	lk := keys.BenefitLicenseKeys.Properties
	equal(t, "license prefix", str(lk.Prefix), "ACME")
	equal(t, "license limit_usage", i64(lk.LimitUsage), "1000")
	equal(t, "license expires", lk.Expires == nil, true)
	if lk.Activations == nil {
		t.Error("license activations is null")
	} else {
		equal(t, "activations", *lk.Activations, components.BenefitLicenseKeyActivationProperties{Limit: 3, EnableCustomerAdmin: true})
	}

	flag := createBenefit(t, org, components.CreateBenefitCreateFeatureFlag(components.BenefitFeatureFlagCreate{
		Description: "Beta access", Metadata: map[string]components.BenefitFeatureFlagCreateMetadata{"flag": components.CreateBenefitFeatureFlagCreateMetadataStr("beta")},
	}))
	equal(t, "feature_flag type", flag.Type, components.BenefitUnionTypeFeatureFlag)
	equal(t, "feature_flag description", flag.BenefitFeatureFlag.Description, "Beta access")

	// Polar's GitHub strategy refuses organization tokens (benefit/strategies/github_repository).
	_, err := org.client.Benefits.Create(ctx, components.CreateBenefitCreateGithubRepository(components.BenefitGitHubRepositoryCreate{
		Description: "SDK access",
		Properties: components.BenefitGitHubRepositoryCreateProperties{
			RepositoryOwner: "acme", RepositoryName: "sdk", Permission: components.BenefitGitHubRepositoryCreatePropertiesPermissionPull,
		},
	}))
	assertValidation(t, err, "body.properties.repository_owner", "invalid_auth_subject")

	// The client is out of date for Discord benefits, against Polar as against the emulator: it sends
	// `guild_token` (models/components/benefitdiscordcreateproperties.go) where Polar now takes the
	// server's `guild_id`, and it requires a `guild_token` back (benefitdiscordproperties.go) that
	// Polar no longer sends (server/polar/benefit/strategies/discord/schemas.py).
	_, err = org.client.Benefits.Create(ctx, components.CreateBenefitCreateDiscord(components.BenefitDiscordCreate{
		Description: "Discord role",
		Properties:  components.BenefitDiscordCreateProperties{GuildToken: "1122334455667788", RoleID: "9988776655", KickMember: true},
	}))
	assertValidation(t, err, "body.discord.properties.guild_id", "missing")

	// Get returns each one as created.
	for _, created := range []*components.Benefit{custom, credit, keys, flag} {
		got, err := org.client.Benefits.Get(ctx, benefitID(*created))
		ok(t, err, "Benefits.Get")
		checkShape(t, got.HTTPMeta, got.Benefit)
		deepEqual(t, "Benefits.Get "+string(created.Type), got.Benefit, created)
	}

	// List: everything, then by type, by id, by query; pages of 4.
	list, err := org.client.Benefits.List(ctx, operations.BenefitsListRequest{Limit: polargo.Int64(4)})
	ok(t, err, "Benefits.List")
	var seen []string
	for list != nil {
		checkShape(t, list.HTTPMeta, list.ListResourceBenefit)
		deepEqual(t, "pagination", list.ListResourceBenefit.Pagination, components.Pagination{TotalCount: 4, MaxPage: 1})
		for _, b := range list.ListResourceBenefit.Items {
			seen = append(seen, benefitID(b))
		}
		list, err = list.Next()
		ok(t, err, "Benefits.List Next()")
	}
	// Newest first.
	deepEqual(t, "listed", seen, []string{benefitID(*flag), benefitID(*keys), benefitID(*credit), benefitID(*custom)})

	byType, err := org.client.Benefits.List(ctx, operations.BenefitsListRequest{
		TypeFilter: polargo.Pointer(operations.CreateBenefitTypeFilterArrayOfBenefitType([]components.BenefitType{components.BenefitTypeCustom, components.BenefitTypeMeterCredit})),
	})
	ok(t, err, "Benefits.List type")
	equal(t, "by type", len(byType.ListResourceBenefit.Items), 2)
	byID, err := org.client.Benefits.List(ctx, operations.BenefitsListRequest{ID: polargo.Pointer(operations.CreateFilterIDsStr(benefitID(*keys)))})
	ok(t, err, "Benefits.List id")
	equal(t, "by id", len(byID.ListResourceBenefit.Items), 1)
	byQuery, err := org.client.Benefits.List(ctx, operations.BenefitsListRequest{Query: polargo.String("ACCESS"), Sorting: []components.BenefitSortProperty{components.BenefitSortPropertyDescription}})
	ok(t, err, "Benefits.List query")
	got := []string{}
	for _, b := range byQuery.ListResourceBenefit.Items {
		got = append(got, benefitID(b))
	}
	deepEqual(t, "by query", got, []string{benefitID(*flag)})
	excluded, err := org.client.Benefits.List(ctx, operations.BenefitsListRequest{ExcludeID: polargo.Pointer(operations.CreateExcludeIDsArrayOfStr([]string{benefitID(*keys), benefitID(*flag)}))})
	ok(t, err, "Benefits.List exclude_id")
	equal(t, "exclude_id", excluded.ListResourceBenefit.Pagination.TotalCount, 2)
}

func TestBenefitErrors(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	_, err := org.client.Benefits.Get(ctx, "00000000-0000-4000-8000-000000000000")
	assertNotFound(t, err)
	_, err = org.client.Benefits.Get(ctx, "42")
	assertValidation(t, err, "path.id", "uuid_parsing")
	_, err = org.client.Benefits.Create(ctx, components.CreateBenefitCreateCustom(components.BenefitCustomCreate{Description: "ab"}))
	assertValidation(t, err, "body.custom.description", "string_too_short")
	_, err = org.client.Benefits.Create(ctx, components.CreateBenefitCreateMeterCredit(components.BenefitMeterCreditCreate{
		Description: "Credits", Properties: components.BenefitMeterCreditCreateProperties{Units: 10, MeterID: "00000000-0000-4000-8000-000000000000"},
	}))
	assertValidation(t, err, "body.properties.meter_id", "value_error")
	_, err = org.client.Benefits.Grants(ctx, operations.BenefitsGrantsRequest{ID: "00000000-0000-4000-8000-000000000000"})
	assertNotFound(t, err)
}

// --------------------------------------------------------------------------------------------
// Products
// --------------------------------------------------------------------------------------------

func createProduct(t *testing.T, org tenant, body components.ProductCreate) *components.Product {
	t.Helper()
	res, err := org.client.Products.Create(ctx, body)
	ok(t, err, "Products.Create")
	checkShape(t, res.HTTPMeta, res.Product)
	equal(t, "status", res.HTTPMeta.Response.StatusCode, http.StatusCreated)
	return res.Product
}

// monthly is a recurring monthly product with one fixed price.
func monthly(t *testing.T, org tenant, name string, amount int64) *components.Product {
	t.Helper()
	return createProduct(t, org, components.CreateProductCreateProductCreateRecurring(components.ProductCreateRecurring{
		Name:              name,
		RecurringInterval: components.SubscriptionRecurringIntervalMonth,
		Prices: []components.ProductCreateRecurringPrices{
			components.CreateProductCreateRecurringPricesFixed(components.ProductPriceFixedCreate{PriceAmount: amount}),
		},
	}))
}

// price is the product's i-th price, as the client's ProductPrice union (not a legacy price).
func price(t *testing.T, p *components.Product, i int) components.ProductPrice {
	t.Helper()
	if len(p.Prices) <= i {
		t.Fatalf("product %s has %d prices, want more than %d", p.Name, len(p.Prices), i)
	}
	if p.Prices[i].Type != components.PricesTypeProductPrice || p.Prices[i].ProductPrice == nil {
		t.Fatalf("price %d of %s decoded as %s, want ProductPrice", i, p.Name, p.Prices[i].Type)
	}
	return *p.Prices[i].ProductPrice
}

func TestProductCreateGetAndListWithEachPriceType(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	meter := countMeter(t, org, "API calls", "api_call")

	pro := createProduct(t, org, components.CreateProductCreateProductCreateRecurring(components.ProductCreateRecurring{
		Name:              "Pro",
		Description:       polargo.String("For professionals."),
		RecurringInterval: components.SubscriptionRecurringIntervalMonth,
		Prices: []components.ProductCreateRecurringPrices{
			components.CreateProductCreateRecurringPricesFixed(components.ProductPriceFixedCreate{PriceAmount: 2000}),
			components.CreateProductCreateRecurringPricesMeteredUnit(components.ProductPriceMeteredUnitCreate{
				MeterID: meter.ID, UnitAmount: components.CreateUnitAmountStr("0.5"), CapAmount: polargo.Int64(10000),
			}),
		},
		Metadata: map[string]components.ProductCreateRecurringMetadata{"plan": components.CreateProductCreateRecurringMetadataStr("pro")},
	}))
	if !uuid4.MatchString(pro.ID) {
		t.Errorf("id %q", pro.ID)
	}
	recent(t, "created_at", pro.CreatedAt)
	equal(t, "name", pro.Name, "Pro")
	equal(t, "description", str(pro.Description), "For professionals.")
	equal(t, "visibility", pro.Visibility, components.ProductVisibilityPublic)
	equal(t, "is_recurring", pro.IsRecurring, true)
	equal(t, "is_archived", pro.IsArchived, false)
	equal(t, "recurring_interval", *pro.RecurringInterval, components.SubscriptionRecurringIntervalMonth)
	equal(t, "recurring_interval_count", i64(pro.RecurringIntervalCount), "1")
	equal(t, "trial_interval", pro.TrialInterval == nil && pro.TrialIntervalCount == nil, true)
	equal(t, "organization_id", pro.OrganizationID, org.id)
	deepEqual(t, "metadata", pro.Metadata, map[string]components.MetadataOutputType{"plan": components.CreateMetadataOutputTypeStr("pro")})
	equal(t, "benefits", len(pro.Benefits), 0)
	equal(t, "medias", len(pro.Medias), 0)
	equal(t, "attached_custom_fields", len(pro.AttachedCustomFields), 0)
	fixed := price(t, pro, 0)
	equal(t, "price 0 type", fixed.Type, components.ProductPriceTypeFixed)
	equal(t, "fixed price_amount", fixed.ProductPriceFixed.PriceAmount, 2000)
	equal(t, "fixed price_currency", fixed.ProductPriceFixed.PriceCurrency, "usd")
	equal(t, "fixed product_id", fixed.ProductPriceFixed.ProductID, pro.ID)
	equal(t, "fixed source", fixed.ProductPriceFixed.Source, components.ProductPriceSourceCatalog)
	metered := price(t, pro, 1)
	equal(t, "price 1 type", metered.Type, components.ProductPriceTypeMeteredUnit)
	mu := metered.ProductPriceMeteredUnit
	equal(t, "unit_amount", mu.UnitAmount, "0.5")
	equal(t, "cap_amount", i64(mu.CapAmount), "10000")
	equal(t, "meter_id", mu.MeterID, meter.ID)
	equal(t, "meter", mu.Meter, components.ProductPriceMeter{ID: meter.ID, Name: "API calls"})

	seats := createProduct(t, org, components.CreateProductCreateProductCreateRecurring(components.ProductCreateRecurring{
		Name:              "Team",
		RecurringInterval: components.SubscriptionRecurringIntervalYear,
		Prices: []components.ProductCreateRecurringPrices{
			components.CreateProductCreateRecurringPricesSeatBased(components.ProductPriceSeatBasedCreate{
				SeatTiers: components.ProductPriceSeatTiersInput{Tiers: []components.ProductPriceSeatTier{
					{MinSeats: 1, MaxSeats: polargo.Int64(9), PricePerSeat: 1500},
					{MinSeats: 10, PricePerSeat: 1200},
				}},
			}),
		},
	}))
	seat := price(t, seats, 0)
	equal(t, "seat price type", seat.Type, components.ProductPriceTypeSeatBased)
	tiers := seat.ProductPriceSeatBased.SeatTiers
	equal(t, "minimum_seats", tiers.MinimumSeats, 1)
	equal(t, "maximum_seats", tiers.MaximumSeats == nil, true)
	equal(t, "tiers", len(tiers.Tiers), 2)
	if len(tiers.Tiers) == 2 {
		equal(t, "tier 0", i64(tiers.Tiers[0].MaxSeats)+" "+i64(&tiers.Tiers[0].PricePerSeat), "9 1500")
		equal(t, "tier 1", i64(tiers.Tiers[1].MaxSeats)+" "+i64(&tiers.Tiers[1].PricePerSeat), "<nil> 1200")
	}

	custom := createProduct(t, org, components.CreateProductCreateProductCreateOneTime(components.ProductCreateOneTime{
		Name: "Donation",
		Prices: []components.ProductCreateOneTimePrices{
			components.CreateProductCreateOneTimePricesCustom(components.ProductPriceCustomCreate{
				MinimumAmount: polargo.Int64(500), MaximumAmount: polargo.Int64(10000), PresetAmount: polargo.Int64(1000),
			}),
		},
	}))
	equal(t, "one-time is_recurring", custom.IsRecurring, false)
	equal(t, "one-time recurring_interval", custom.RecurringInterval == nil, true)
	pwyw := price(t, custom, 0).ProductPriceCustom
	if pwyw == nil {
		t.Fatal("custom price not decoded as custom")
	}
	equal(t, "custom amounts", i64(&pwyw.MinimumAmount)+" "+i64(pwyw.MaximumAmount)+" "+i64(pwyw.PresetAmount), "500 10000 1000")

	free := createProduct(t, org, components.CreateProductCreateProductCreateOneTime(components.ProductCreateOneTime{
		Name:       "Sample",
		Visibility: components.ProductVisibilityPrivate.ToPointer(),
		Prices:     []components.ProductCreateOneTimePrices{components.CreateProductCreateOneTimePricesFree(components.ProductPriceFreeCreate{})},
	}))
	// Polar took the free price type out in June 2026 (#12336): amount_type "free" is still
	// accepted and stored as a fixed price of 0, which v0.16.0 decodes as ProductPriceFixed.
	zero := price(t, free, 0)
	equal(t, "free price type", zero.Type, components.ProductPriceTypeFixed)
	equal(t, "free price amount", zero.ProductPriceFixed.PriceAmount, 0)
	equal(t, "free visibility", free.Visibility, components.ProductVisibilityPrivate)

	// The create answer echoes the unit amount as sent; read back, it comes from a Numeric(17, 12)
	// column, so with twelve decimals (Polar's ProductPriceMeteredUnit.unit_amount).
	got, err := org.client.Products.Get(ctx, pro.ID)
	ok(t, err, "Products.Get")
	equal(t, "unit_amount read back", price(t, got.Product, 1).ProductPriceMeteredUnit.UnitAmount, "0.500000000000")
	mu.UnitAmount = "0.500000000000"

	for _, created := range []*components.Product{pro, seats, custom, free} {
		got, err := org.client.Products.Get(ctx, created.ID)
		ok(t, err, "Products.Get")
		checkShape(t, got.HTTPMeta, got.Product)
		deepEqual(t, "Products.Get "+created.Name, got.Product, created)
	}

	ids := func(req operations.ProductsListRequest) []string {
		t.Helper()
		res, err := org.client.Products.List(ctx, req)
		ok(t, err, "Products.List")
		checkShape(t, res.HTTPMeta, res.ListResourceProduct)
		out := []string{}
		for _, p := range res.ListResourceProduct.Items {
			out = append(out, p.ID)
		}
		return out
	}
	deepEqual(t, "default order (-created_at)", ids(operations.ProductsListRequest{}), []string{free.ID, custom.ID, seats.ID, pro.ID})
	deepEqual(t, "by name", ids(operations.ProductsListRequest{Sorting: []components.ProductSortProperty{components.ProductSortPropertyName}}), []string{custom.ID, pro.ID, free.ID, seats.ID})
	deepEqual(t, "recurring", ids(operations.ProductsListRequest{IsRecurring: polargo.Bool(true)}), []string{seats.ID, pro.ID})
	deepEqual(t, "one-time", ids(operations.ProductsListRequest{IsRecurring: polargo.Bool(false)}), []string{free.ID, custom.ID})
	deepEqual(t, "query", ids(operations.ProductsListRequest{Query: polargo.String("tea")}), []string{seats.ID})
	deepEqual(t, "id", ids(operations.ProductsListRequest{ID: polargo.Pointer(operations.CreateQueryParamProductIDFilterArrayOfStr([]string{pro.ID, free.ID}))}), []string{free.ID, pro.ID})
	deepEqual(t, "archived", ids(operations.ProductsListRequest{IsArchived: polargo.Bool(true)}), []string{})

	page, err := org.client.Products.List(ctx, operations.ProductsListRequest{Limit: polargo.Int64(3)})
	ok(t, err, "Products.List limit 3")
	deepEqual(t, "pagination", page.ListResourceProduct.Pagination, components.Pagination{TotalCount: 4, MaxPage: 2})
	next, err := page.Next()
	ok(t, err, "Products.List Next()")
	if next == nil {
		t.Fatal("Next() gave no second page")
	}
	equal(t, "second page", len(next.ListResourceProduct.Items), 1)
	last, err := next.Next()
	ok(t, err, "Products.List Next() after the last page")
	equal(t, "no third page", last == nil, true)
}

func TestProductUpdateBenefits(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	product := monthly(t, org, "Pro", 1000)
	support := customBenefit(t, org, "Support")
	newsletter := customBenefit(t, org, "Newsletter")
	swag := customBenefit(t, org, "Swag")

	res, err := org.client.Products.UpdateBenefits(ctx, product.ID, components.ProductBenefitsUpdate{Benefits: []string{swag, support}})
	ok(t, err, "Products.UpdateBenefits")
	checkShape(t, res.HTTPMeta, res.Product)
	got := []string{}
	for _, b := range res.Product.Benefits {
		got = append(got, benefitID(b))
	}
	deepEqual(t, "benefits, in the given order", got, []string{swag, support})
	// Only the product_benefits rows change, so the product's modified_at stays null
	// (product_service.update_benefits, server/polar/product/service.py).
	equal(t, "modified_at after update_benefits", res.Product.ModifiedAt == nil, true)

	res, err = org.client.Products.UpdateBenefits(ctx, product.ID, components.ProductBenefitsUpdate{Benefits: []string{newsletter}})
	ok(t, err, "Products.UpdateBenefits again")
	equal(t, "replaced", len(res.Product.Benefits), 1)
	equal(t, "replaced with", benefitID(res.Product.Benefits[0]), newsletter)

	withNewsletter, err := org.client.Products.List(ctx, operations.ProductsListRequest{BenefitID: polargo.Pointer(operations.CreateBenefitIDFilterStr(newsletter))})
	ok(t, err, "Products.List benefit_id")
	equal(t, "products with the newsletter", len(withNewsletter.ListResourceProduct.Items), 1)
	withSwag, err := org.client.Products.List(ctx, operations.ProductsListRequest{BenefitID: polargo.Pointer(operations.CreateBenefitIDFilterStr(swag))})
	ok(t, err, "Products.List benefit_id")
	equal(t, "products with swag", len(withSwag.ListResourceProduct.Items), 0)

	_, err = org.client.Products.UpdateBenefits(ctx, "00000000-0000-4000-8000-000000000000", components.ProductBenefitsUpdate{Benefits: []string{}})
	assertNotFound(t, err)
	_, err = org.client.Products.UpdateBenefits(ctx, product.ID, components.ProductBenefitsUpdate{Benefits: []string{"00000000-0000-4000-8000-000000000000"}})
	assertValidation(t, err, "body.benefits.0", "")
}

func TestProductErrors(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	_, err := org.client.Products.Get(ctx, "00000000-0000-4000-8000-000000000000")
	assertNotFound(t, err)
	_, err = org.client.Products.Create(ctx, components.CreateProductCreateProductCreateRecurring(components.ProductCreateRecurring{
		Name: "No price", RecurringInterval: components.SubscriptionRecurringIntervalMonth, Prices: []components.ProductCreateRecurringPrices{},
	}))
	assertValidation(t, err, "body.recurring.prices", "too_short")
	_, err = org.client.Products.Create(ctx, components.CreateProductCreateProductCreateOneTime(components.ProductCreateOneTime{
		Name: "Too cheap", Prices: []components.ProductCreateOneTimePrices{components.CreateProductCreateOneTimePricesFixed(components.ProductPriceFixedCreate{PriceAmount: 10})},
	}))
	assertValidation(t, err, "body.one_time.prices.0.fixed.price_amount", "minimum_price")
}
