package contract

import (
	"net/http"
	"testing"
	"time"

	polargo "github.com/polarsource/polar-go"
	"github.com/polarsource/polar-go/models/components"
	"github.com/polarsource/polar-go/models/operations"
)

// --------------------------------------------------------------------------------------------
// Products: update
// --------------------------------------------------------------------------------------------

func TestProductUpdate(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	meter := countMeter(t, org, "API calls", "api_call")
	product := createProduct(t, org, components.CreateProductCreateProductCreateRecurring(components.ProductCreateRecurring{
		Name:              "Pro",
		Description:       polargo.String("Old."),
		RecurringInterval: components.SubscriptionRecurringIntervalMonth,
		Prices: []components.ProductCreateRecurringPrices{
			components.CreateProductCreateRecurringPricesFixed(components.ProductPriceFixedCreate{PriceAmount: 2000}),
		},
		Metadata: map[string]components.ProductCreateRecurringMetadata{"tier": components.CreateProductCreateRecurringMetadataStr("pro")},
	}))
	fixed := price(t, product, 0).ProductPriceFixed
	if fixed == nil {
		t.Fatal("the price is not fixed")
	}

	res, err := org.client.Products.Update(ctx, product.ID, components.ProductUpdate{
		Name:        polargo.String("  Pro plan  "),
		Description: polargo.String("For teams."),
		Visibility:  components.ProductVisibilityPrivate.ToPointer(),
		Metadata: map[string]components.ProductUpdateMetadata{
			"tier":  components.CreateProductUpdateMetadataStr("gold"),
			"seats": components.CreateProductUpdateMetadataInteger(5),
		},
		TrialInterval:      components.TrialIntervalDay.ToPointer(),
		TrialIntervalCount: polargo.Int64(14),
	})
	ok(t, err, "Products.Update")
	checkShape(t, res.HTTPMeta, res.Product)
	updated := res.Product
	equal(t, "id", updated.ID, product.ID)
	equal(t, "name (stripped)", updated.Name, "Pro plan")
	equal(t, "description", str(updated.Description), "For teams.")
	equal(t, "visibility", updated.Visibility, components.ProductVisibilityPrivate)
	deepEqual(t, "metadata (replaced)", updated.Metadata, map[string]components.MetadataOutputType{
		"tier": components.CreateMetadataOutputTypeStr("gold"), "seats": components.CreateMetadataOutputTypeInteger(5),
	})
	if updated.TrialInterval == nil {
		t.Error("trial_interval is null")
	} else {
		equal(t, "trial_interval", *updated.TrialInterval, components.TrialIntervalDay)
	}
	equal(t, "trial_interval_count", i64(updated.TrialIntervalCount), "14")
	equal(t, "recurring_interval (unchanged)", updated.RecurringInterval != nil && *updated.RecurringInterval == components.SubscriptionRecurringIntervalMonth, true)
	equal(t, "is_archived", updated.IsArchived, false)
	equal(t, "created_at (unchanged)", updated.CreatedAt.Equal(product.CreatedAt), true)
	if updated.ModifiedAt == nil {
		t.Fatal("modified_at is null after an update")
	}
	recent(t, "modified_at", *updated.ModifiedAt)
	deepEqual(t, "prices (unchanged)", updated.Prices, product.Prices)
	got, err := org.client.Products.Get(ctx, product.ID)
	ok(t, err, "Products.Get")
	deepEqual(t, "Products.Get after the update", got.Product, updated)

	// Prices: the fixed one is kept by its id, a metered one is added.
	res, err = org.client.Products.Update(ctx, product.ID, components.ProductUpdate{Prices: []components.ProductUpdatePrices{
		components.CreateProductUpdatePricesExistingProductPrice(components.ExistingProductPrice{ID: fixed.ID}),
		components.CreateProductUpdatePricesTwo(components.CreateTwoMeteredUnit(components.ProductPriceMeteredUnitCreate{
			MeterID: meter.ID, UnitAmount: components.CreateUnitAmountStr("0.5"),
		})),
	}})
	ok(t, err, "Products.Update prices")
	checkShape(t, res.HTTPMeta, res.Product)
	withMeter := res.Product
	if len(withMeter.Prices) != 2 {
		t.Fatalf("prices = %d, want 2", len(withMeter.Prices))
	}
	deepEqual(t, "the kept price", withMeter.Prices[0], product.Prices[0])
	metered := price(t, withMeter, 1).ProductPriceMeteredUnit
	if metered == nil {
		t.Fatal("the new price is not metered_unit")
	}
	equal(t, "metered meter_id", metered.MeterID, meter.ID)
	equal(t, "metered unit_amount", metered.UnitAmount, "0.500000000000")
	equal(t, "metered product_id", metered.ProductID, product.ID)
	// Only the prices changed: the product's own row, and its modified_at, stay as they were
	// (product_service.update, server/polar/product/service.py:291).
	equal(t, "modified_at after a prices-only update", withMeter.ModifiedAt != nil && withMeter.ModifiedAt.Equal(*updated.ModifiedAt), true)

	// A price left out is archived: it is no longer among the product's prices.
	res, err = org.client.Products.Update(ctx, product.ID, components.ProductUpdate{Prices: []components.ProductUpdatePrices{
		components.CreateProductUpdatePricesTwo(components.CreateTwoFixed(components.ProductPriceFixedCreate{PriceAmount: 3000})),
	}})
	ok(t, err, "Products.Update new fixed price")
	if len(res.Product.Prices) != 1 {
		t.Fatalf("prices = %d, want 1", len(res.Product.Prices))
	}
	replaced := price(t, res.Product, 0).ProductPriceFixed
	if replaced == nil {
		t.Fatal("the new price is not fixed")
	}
	equal(t, "new fixed price", replaced.PriceAmount, 3000)
	if replaced.ID == fixed.ID {
		t.Error("the new fixed price has the old one's id")
	}

	// Archived, then back.
	archived, err := org.client.Products.Update(ctx, product.ID, components.ProductUpdate{IsArchived: polargo.Bool(true)})
	ok(t, err, "Products.Update is_archived=true")
	equal(t, "is_archived", archived.Product.IsArchived, true)
	list, err := org.client.Products.List(ctx, operations.ProductsListRequest{IsArchived: polargo.Bool(true)})
	ok(t, err, "Products.List is_archived")
	equal(t, "archived products", len(list.ListResourceProduct.Items), 1)
	back, err := org.client.Products.Update(ctx, product.ID, components.ProductUpdate{IsArchived: polargo.Bool(false)})
	ok(t, err, "Products.Update is_archived=false")
	equal(t, "is_archived again", back.Product.IsArchived, false)
	equal(t, "name kept", back.Product.Name, "Pro plan")

	// Errors.
	_, err = org.client.Products.Update(ctx, "00000000-0000-4000-8000-000000000000", components.ProductUpdate{Name: polargo.String("Gone")})
	assertNotFound(t, err)
	_, err = org.client.Products.Update(ctx, product.ID, components.ProductUpdate{RecurringInterval: components.SubscriptionRecurringIntervalYear.ToPointer()})
	assertValidation(t, err, "body.recurring_interval", "value_error")
	_, err = org.client.Products.Update(ctx, product.ID, components.ProductUpdate{Name: polargo.String("  ab  ")})
	assertValidation(t, err, "body.name", "too_short")
	_, err = org.client.Products.Update(ctx, product.ID, components.ProductUpdate{Prices: []components.ProductUpdatePrices{
		components.CreateProductUpdatePricesExistingProductPrice(components.ExistingProductPrice{ID: fixed.ID}),
	}})
	// The archived price cannot be named again.
	assertValidation(t, err, "body.prices.0", "value_error")
	_, err = org.client.Products.Update(ctx, product.ID, components.ProductUpdate{TrialIntervalCount: polargo.Int64(3)})
	assertValidation(t, err, "body", "missing")
}

// --------------------------------------------------------------------------------------------
// Benefits: update and delete
// --------------------------------------------------------------------------------------------

func TestBenefitUpdate(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	meter := countMeter(t, org, "API calls", "api_call")
	custom := createBenefit(t, org, components.CreateBenefitCreateCustom(components.BenefitCustomCreate{
		Description: "Support",
		Properties:  components.BenefitCustomCreateProperties{Note: polargo.String("Old")},
		Metadata:    map[string]components.BenefitCustomCreateMetadata{"level": components.CreateBenefitCustomCreateMetadataStr("gold")},
	})).BenefitCustom
	if custom == nil {
		t.Fatal("not a custom benefit")
	}

	res, err := org.client.Benefits.Update(ctx, custom.ID, operations.CreateBenefitsUpdateBenefitUpdateBenefitCustomUpdate(components.BenefitCustomUpdate{
		Description: polargo.String("Priority support"),
		Metadata:    map[string]components.BenefitCustomUpdateMetadata{"level": components.CreateBenefitCustomUpdateMetadataStr("platinum")},
		Properties:  &components.BenefitCustomProperties{Note: polargo.String("Write to us")},
	}))
	ok(t, err, "Benefits.Update custom")
	checkShape(t, res.HTTPMeta, res.Benefit)
	equal(t, "type", res.Benefit.Type, components.BenefitUnionTypeCustom)
	updated := res.Benefit.BenefitCustom
	if updated == nil {
		t.Fatalf("Benefits.Update answered a %s benefit", res.Benefit.Type)
	}
	equal(t, "id", updated.ID, custom.ID)
	equal(t, "description", updated.Description, "Priority support")
	equal(t, "note", str(updated.Properties.Note), "Write to us")
	deepEqual(t, "metadata", updated.Metadata, map[string]components.MetadataOutputType{"level": components.CreateMetadataOutputTypeStr("platinum")})
	equal(t, "created_at (unchanged)", updated.CreatedAt.Equal(custom.CreatedAt), true)
	if updated.ModifiedAt == nil {
		t.Error("modified_at is null after an update")
	} else {
		recent(t, "modified_at", *updated.ModifiedAt)
	}
	got, err := org.client.Benefits.Get(ctx, custom.ID)
	ok(t, err, "Benefits.Get")
	deepEqual(t, "Benefits.Get after the update", got.Benefit, res.Benefit)

	credit := createBenefit(t, org, components.CreateBenefitCreateMeterCredit(components.BenefitMeterCreditCreate{
		Description: "Credits", Properties: components.BenefitMeterCreditCreateProperties{Units: 10, MeterID: meter.ID},
	})).BenefitMeterCredit
	if credit == nil {
		t.Fatal("not a meter_credit benefit")
	}
	more, err := org.client.Benefits.Update(ctx, credit.ID, operations.CreateBenefitsUpdateBenefitUpdateBenefitMeterCreditUpdate(components.BenefitMeterCreditUpdate{
		Properties: &components.BenefitMeterCreditCreateProperties{Units: 20, Rollover: true, MeterID: meter.ID},
	}))
	ok(t, err, "Benefits.Update meter_credit")
	checkShape(t, more.HTTPMeta, more.Benefit)
	if more.Benefit.BenefitMeterCredit == nil {
		t.Fatalf("Benefits.Update answered a %s benefit", more.Benefit.Type)
	}
	deepEqual(t, "meter_credit properties", more.Benefit.BenefitMeterCredit.Properties, components.BenefitMeterCreditProperties{Units: 20, Rollover: true, MeterID: meter.ID})
	equal(t, "meter_credit description (unchanged)", more.Benefit.BenefitMeterCredit.Description, "Credits")

	unknown := "00000000-0000-4000-8000-000000000000"
	_, err = org.client.Benefits.Update(ctx, credit.ID, operations.CreateBenefitsUpdateBenefitUpdateBenefitMeterCreditUpdate(components.BenefitMeterCreditUpdate{
		Properties: &components.BenefitMeterCreditCreateProperties{Units: 20, MeterID: unknown},
	}))
	assertValidation(t, err, "body.properties.meter_id", "value_error")
	// The body names the benefit's type, which cannot change.
	_, err = org.client.Benefits.Update(ctx, custom.ID, operations.CreateBenefitsUpdateBenefitUpdateBenefitFeatureFlagUpdate(components.BenefitFeatureFlagUpdate{
		Description: polargo.String("Flag"),
	}))
	assertValidation(t, err, "body.type", "value_error")
	// Pydantic's smart union reports each member of the update union by its model's name.
	_, err = org.client.Benefits.Update(ctx, custom.ID, operations.CreateBenefitsUpdateBenefitUpdateBenefitCustomUpdate(components.BenefitCustomUpdate{
		Description: polargo.String("ab"),
	}))
	assertValidation(t, err, "body.BenefitCustomUpdate.description", "string_too_short")
	_, err = org.client.Benefits.Update(ctx, unknown, operations.CreateBenefitsUpdateBenefitUpdateBenefitCustomUpdate(components.BenefitCustomUpdate{
		Description: polargo.String("Mine"),
	}))
	assertNotFound(t, err)
}

func TestBenefitDelete(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	id := s.subscribe(t, map[string]any{})
	equal(t, "granted before", len(s.state(t).GrantedBenefits), 3)

	res, err := s.client.Benefits.Delete(ctx, s.support)
	ok(t, err, "Benefits.Delete")
	equal(t, "status", res.HTTPMeta.Response.StatusCode, http.StatusNoContent)

	_, err = s.client.Benefits.Get(ctx, s.support)
	assertNotFound(t, err)
	_, err = s.client.Benefits.Delete(ctx, s.support)
	assertNotFound(t, err)
	list, err := s.client.Benefits.List(ctx, operations.BenefitsListRequest{})
	ok(t, err, "Benefits.List")
	checkShape(t, list.HTTPMeta, list.ListResourceBenefit)
	left := []string{}
	for _, b := range list.ListResourceBenefit.Items {
		left = append(left, benefitID(b))
	}
	deepEqual(t, "benefits left (newest first)", left, []string{s.license, s.credit})

	// It leaves the product, and its grant is revoked: the state no longer has it.
	product, err := s.client.Products.Get(ctx, s.product.ID)
	ok(t, err, "Products.Get")
	after := []string{}
	for _, b := range product.Product.Benefits {
		after = append(after, benefitID(b))
	}
	deepEqual(t, "the product's benefits", after, []string{s.credit, s.license})
	state := s.state(t)
	types := []components.BenefitType{}
	for _, g := range state.GrantedBenefits {
		types = append(types, g.BenefitType)
		if g.BenefitID == s.support {
			t.Error("the deleted benefit is still granted in the state")
		}
	}
	equal(t, "granted after", len(types), 2)
	sub := s.getSubscription(t, id)
	equal(t, "the subscription's product benefits", len(sub.Product.Benefits), 2)
}

// --------------------------------------------------------------------------------------------
// Meters: update and quantities
// --------------------------------------------------------------------------------------------

func TestMeterUpdate(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	meter := countMeter(t, org, "Calls", "call")

	res, err := org.client.Meters.Update(ctx, meter.ID, components.MeterUpdate{
		Name:     polargo.String("API calls"),
		Metadata: map[string]components.MeterUpdateMetadata{"team": components.CreateMeterUpdateMetadataStr("platform")},
		Filter: &components.Filter{
			Conjunction: components.FilterConjunctionOr,
			Clauses: []components.Clauses{components.CreateClausesFilterClause(components.FilterClause{
				Property: "metadata.kind", Operator: components.FilterOperatorEq, Value: components.CreateValueStr("llm"),
			})},
		},
		Aggregation: polargo.Pointer(components.CreateAggregationSum(components.PropertyAggregation{Property: "metadata.tokens"})),
	})
	ok(t, err, "Meters.Update")
	checkShape(t, res.HTTPMeta, res.Meter)
	updated := res.Meter
	equal(t, "name", updated.Name, "API calls")
	deepEqual(t, "metadata", updated.Metadata, map[string]components.MetadataOutputType{"team": components.CreateMetadataOutputTypeStr("platform")})
	equal(t, "conjunction", updated.Filter.Conjunction, components.FilterConjunctionOr)
	if len(updated.Filter.Clauses) != 1 || updated.Filter.Clauses[0].FilterClause == nil {
		t.Fatalf("clauses = %+v", updated.Filter.Clauses)
	}
	// The "metadata." prefix is stripped, as on create.
	clause := updated.Filter.Clauses[0].FilterClause
	equal(t, "clause", clause.Property+" "+string(clause.Operator)+" "+str(clause.Value.Str), "kind eq llm")
	if updated.Aggregation.PropertyAggregation == nil {
		t.Fatalf("aggregation = %+v", updated.Aggregation)
	}
	equal(t, "aggregation", string(updated.Aggregation.PropertyAggregation.Func)+"("+updated.Aggregation.PropertyAggregation.Property+")", "sum(tokens)")
	// Polar answers with the meter as it read it before the flush: modified_at is still null in
	// the answer (meter_service.update, server/polar/meter/service.py:176), set when read again.
	equal(t, "modified_at in the answer", updated.ModifiedAt == nil, true)
	got, err := org.client.Meters.Get(ctx, meter.ID)
	ok(t, err, "Meters.Get")
	if got.Meter.ModifiedAt == nil {
		t.Error("modified_at is null when read again")
	} else {
		recent(t, "modified_at read again", *got.Meter.ModifiedAt)
	}
	equal(t, "name read again", got.Meter.Name, "API calls")

	// Once an event matches it, the filter and aggregation are fixed.
	customer := createIndividual(t, org.client, components.CustomerIndividualCreate{Email: unique("meter") + "@example.com"})
	_, err = org.client.Events.Ingest(ctx, components.EventsIngest{Events: []components.Events{
		components.CreateEventsEventCreateCustomer(components.EventCreateCustomer{
			Name: "call", CustomerID: customer.ID,
			Metadata: map[string]components.EventMetadataInput{"kind": components.CreateEventMetadataInputStr("llm"), "tokens": components.CreateEventMetadataInputInteger(3)},
		}),
	}})
	ok(t, err, "Events.Ingest")
	_, err = org.client.Meters.Update(ctx, meter.ID, components.MeterUpdate{
		Aggregation: polargo.Pointer(components.CreateAggregationCount(components.CountAggregation{})),
	})
	assertValidation(t, err, "body.aggregation", "forbidden")
	renamed, err := org.client.Meters.Update(ctx, meter.ID, components.MeterUpdate{Name: polargo.String("Tokens")})
	ok(t, err, "Meters.Update name only")
	equal(t, "renamed", renamed.Meter.Name, "Tokens")

	archived, err := org.client.Meters.Update(ctx, meter.ID, components.MeterUpdate{IsArchived: polargo.Bool(true)})
	ok(t, err, "Meters.Update is_archived=true")
	if archived.Meter.ArchivedAt == nil {
		t.Error("archived_at is null")
	} else {
		recent(t, "archived_at", *archived.Meter.ArchivedAt)
	}
	list, err := org.client.Meters.List(ctx, operations.MetersListRequest{IsArchived: polargo.Bool(true)})
	ok(t, err, "Meters.List is_archived")
	equal(t, "archived meters", list.ListResourceMeter.Pagination.TotalCount, 1)

	_, err = org.client.Meters.Update(ctx, meter.ID, components.MeterUpdate{Name: polargo.String("ab")})
	assertValidation(t, err, "body.name", "string_too_short")
	_, err = org.client.Meters.Update(ctx, "00000000-0000-4000-8000-000000000000", components.MeterUpdate{Name: polargo.String("Gone")})
	assertNotFound(t, err)
	// A meter a product's price uses cannot be archived.
	used := countMeter(t, org, "Seats", "seat")
	createProduct(t, org, components.CreateProductCreateProductCreateRecurring(components.ProductCreateRecurring{
		Name: "Usage", RecurringInterval: components.SubscriptionRecurringIntervalMonth,
		Prices: []components.ProductCreateRecurringPrices{components.CreateProductCreateRecurringPricesMeteredUnit(components.ProductPriceMeteredUnitCreate{
			MeterID: used.ID, UnitAmount: components.CreateUnitAmountNumber(1),
		})},
	}))
	_, err = org.client.Meters.Update(ctx, used.ID, components.MeterUpdate{IsArchived: polargo.Bool(true)})
	assertValidation(t, err, "body.is_archived", "value_error")
}

func TestMeterQuantities(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	alice := createIndividual(t, org.client, components.CustomerIndividualCreate{Email: unique("alice") + "@example.com", ExternalID: polargo.String("ext_alice")})
	bob := createIndividual(t, org.client, components.CustomerIndividualCreate{Email: unique("bob") + "@example.com"})
	tokens := func(n int64) map[string]components.EventMetadataInput {
		return map[string]components.EventMetadataInput{"tokens": components.CreateEventMetadataInputInteger(n)}
	}
	_, err := org.client.Events.Ingest(ctx, components.EventsIngest{Events: []components.Events{
		components.CreateEventsEventCreateCustomer(components.EventCreateCustomer{Name: "llm", CustomerID: alice.ID, Timestamp: at(t, "2026-03-07T23:30:00Z"), Metadata: tokens(10)}),
		components.CreateEventsEventCreateExternalCustomer(components.EventCreateExternalCustomer{Name: "llm", ExternalCustomerID: "ext_alice", Timestamp: at(t, "2026-03-08T06:30:00Z"), Metadata: tokens(5)}),
		components.CreateEventsEventCreateCustomer(components.EventCreateCustomer{Name: "llm", CustomerID: bob.ID, Timestamp: at(t, "2026-03-08T12:00:00Z"), Metadata: tokens(7)}),
		components.CreateEventsEventCreateCustomer(components.EventCreateCustomer{Name: "other", CustomerID: bob.ID, Timestamp: at(t, "2026-03-08T12:00:00Z"), Metadata: tokens(100)}),
	}})
	ok(t, err, "Events.Ingest")
	res, err := org.client.Meters.Create(ctx, components.MeterCreate{
		Name: "Tokens",
		Filter: components.Filter{Conjunction: components.FilterConjunctionAnd, Clauses: []components.Clauses{components.CreateClausesFilterClause(components.FilterClause{
			Property: "name", Operator: components.FilterOperatorEq, Value: components.CreateValueStr("llm"),
		})}},
		Aggregation: components.CreateMeterCreateAggregationSum(components.PropertyAggregation{Property: "tokens"}),
	})
	ok(t, err, "Meters.Create")
	meter := res.Meter

	type row struct {
		day      string
		quantity float64
	}
	quantities := func(req operations.MetersQuantitiesRequest) ([]row, float64) {
		t.Helper()
		req.ID = meter.ID
		req.StartTimestamp = *at(t, "2026-03-07T00:00:00Z")
		req.EndTimestamp = *at(t, "2026-03-10T00:00:00Z")
		req.Interval = components.TimeIntervalDay
		res, err := org.client.Meters.Quantities(ctx, req)
		ok(t, err, "Meters.Quantities")
		checkShape(t, res.HTTPMeta, res.MeterQuantities)
		rows := []row{}
		for _, q := range res.MeterQuantities.Quantities {
			rows = append(rows, row{q.Timestamp.UTC().Format(time.RFC3339), q.Quantity})
		}
		return rows, res.MeterQuantities.Total
	}
	days := func(values ...float64) []row {
		out := []row{}
		for i, v := range values {
			out = append(out, row{time.Date(2026, 3, 7+i, 0, 0, 0, 0, time.UTC).Format(time.RFC3339), v})
		}
		return out
	}

	rows, total := quantities(operations.MetersQuantitiesRequest{})
	deepEqual(t, "each day's sum", rows, days(10, 12, 0, 0))
	equal(t, "total", total, 22)
	rows, total = quantities(operations.MetersQuantitiesRequest{CustomerID: polargo.Pointer(operations.CreateMetersQuantitiesQueryParamCustomerIDFilterStr(alice.ID))})
	deepEqual(t, "alice's", rows, days(10, 5, 0, 0))
	equal(t, "alice's total", total, 15)
	rows, _ = quantities(operations.MetersQuantitiesRequest{ExternalCustomerID: polargo.Pointer(operations.CreateMetersQuantitiesQueryParamExternalCustomerIDFilterStr("ext_alice"))})
	deepEqual(t, "by external id", rows, days(10, 5, 0, 0))
	rows, total = quantities(operations.MetersQuantitiesRequest{CustomerAggregationFunction: components.AggregationFunctionMax.ToPointer()})
	deepEqual(t, "max of the customers' sums", rows, days(10, 7, 0, 0))
	equal(t, "max total", total, 17)
	// In New York the series steps a local day from the start (7 PM on the 6th), across the
	// switch to summer time on the 8th; each row is its whole local day.
	rows, total = quantities(operations.MetersQuantitiesRequest{Timezone: polargo.String("America/New_York")})
	deepEqual(t, "New York days", rows, []row{
		{"2026-03-07T00:00:00Z", 0}, {"2026-03-08T00:00:00Z", 10}, {"2026-03-08T23:00:00Z", 12}, {"2026-03-09T23:00:00Z", 0},
	})
	equal(t, "New York total", total, 22)

	_, err = org.client.Meters.Quantities(ctx, operations.MetersQuantitiesRequest{
		ID: meter.ID, StartTimestamp: *at(t, "2026-03-01T00:00:00Z"), EndTimestamp: *at(t, "2026-03-20T00:00:00Z"), Interval: components.TimeIntervalHour,
	})
	assertValidation(t, err, "query", "value_error")
	_, err = org.client.Meters.Quantities(ctx, operations.MetersQuantitiesRequest{
		ID: meter.ID, StartTimestamp: *at(t, "2026-03-01T00:00:00Z"), EndTimestamp: *at(t, "2026-03-02T00:00:00Z"), Interval: components.TimeIntervalDay,
		Timezone: polargo.String("Mars/Olympus"),
	})
	assertValidation(t, err, "query.timezone", "TimeZoneName")
	_, err = org.client.Meters.Quantities(ctx, operations.MetersQuantitiesRequest{
		ID: "00000000-0000-4000-8000-000000000000", StartTimestamp: *at(t, "2026-03-01T00:00:00Z"), EndTimestamp: *at(t, "2026-03-02T00:00:00Z"), Interval: components.TimeIntervalDay,
	})
	assertNotFound(t, err)
}
