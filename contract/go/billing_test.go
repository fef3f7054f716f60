package contract

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	polargo "github.com/polarsource/polar-go"
	"github.com/polarsource/polar-go/models/apierrors"
	"github.com/polarsource/polar-go/models/components"
	"github.com/polarsource/polar-go/models/operations"
)

// shop is a tenant with a metered monthly product carrying three benefits, and one customer.
type shop struct {
	tenant
	meter      *components.Meter
	product    *components.Product
	credit     string // meter_credit, 100 units of meter
	license    string // license_keys
	support    string // custom
	customer   *components.CustomerIndividual
	externalID string
}

func newShop(t *testing.T) shop {
	t.Helper()
	s := shop{tenant: newTenant(t), externalID: "user-ada"}
	s.meter = countMeter(t, s.tenant, "API calls", "api_call")
	s.credit = benefitID(*createBenefit(t, s.tenant, components.CreateBenefitCreateMeterCredit(components.BenefitMeterCreditCreate{
		Description: "100 API calls", Properties: components.BenefitMeterCreditCreateProperties{Units: 100, MeterID: s.meter.ID},
	})))
	s.license = benefitID(*createBenefit(t, s.tenant, components.CreateBenefitCreateLicenseKeys(components.BenefitLicenseKeysCreate{
		Description: "License key", Properties: components.BenefitLicenseKeysCreateProperties{Prefix: polargo.String("ACME")},
	})))
	s.support = customBenefit(t, s.tenant, "Priority support")
	s.product = createProduct(t, s.tenant, components.CreateProductCreateProductCreateRecurring(components.ProductCreateRecurring{
		Name:              "Pro",
		RecurringInterval: components.SubscriptionRecurringIntervalMonth,
		Prices: []components.ProductCreateRecurringPrices{
			components.CreateProductCreateRecurringPricesFixed(components.ProductPriceFixedCreate{PriceAmount: 2000}),
			components.CreateProductCreateRecurringPricesMeteredUnit(components.ProductPriceMeteredUnitCreate{
				MeterID: s.meter.ID, UnitAmount: components.CreateUnitAmountNumber(5),
			}),
		},
	}))
	res, err := s.client.Products.UpdateBenefits(ctx, s.product.ID, components.ProductBenefitsUpdate{Benefits: []string{s.credit, s.license, s.support}})
	ok(t, err, "Products.UpdateBenefits")
	s.product = res.Product
	s.customer = createIndividual(t, s.client, components.CustomerIndividualCreate{
		Email: unique("ada") + "@example.com", Name: polargo.String("Ada Lovelace"), ExternalID: polargo.String(s.externalID),
	})
	return s
}

// subscribe starts a subscription through the control plane, as a completed checkout would.
func (s shop) subscribe(t *testing.T, body map[string]any) string {
	t.Helper()
	body["customer_id"] = s.customer.ID
	body["product_id"] = s.product.ID
	var started struct {
		Subscription struct {
			ID string `json:"id"`
		} `json:"subscription"`
	}
	control(t, "POST", "/_emulator/subscriptions", body, http.StatusCreated, &started)
	return started.Subscription.ID
}

func (s shop) getSubscription(t *testing.T, id string) *components.Subscription {
	t.Helper()
	res, err := s.client.Subscriptions.Get(ctx, id)
	ok(t, err, "Subscriptions.Get")
	checkShape(t, res.HTTPMeta, res.Subscription)
	return res.Subscription
}

func subscriptionIDs(t *testing.T, s shop, req operations.SubscriptionsListRequest) []string {
	t.Helper()
	res, err := s.client.Subscriptions.List(ctx, req)
	ok(t, err, "Subscriptions.List")
	checkShape(t, res.HTTPMeta, res.ListResourceSubscription)
	out := []string{}
	for _, sub := range res.ListResourceSubscription.Items {
		out = append(out, sub.ID)
	}
	return out
}

func grantsOf(t *testing.T, s shop, req operations.BenefitGrantsListRequest) []components.BenefitGrant {
	t.Helper()
	res, err := s.client.BenefitGrants.List(ctx, req)
	ok(t, err, "BenefitGrants.List")
	checkShape(t, res.HTTPMeta, res.ListResourceBenefitGrant)
	return res.ListResourceBenefitGrant.Items
}

func (s shop) state(t *testing.T) *components.CustomerStateIndividual {
	t.Helper()
	res, err := s.client.Customers.GetState(ctx, s.customer.ID)
	ok(t, err, "Customers.GetState")
	checkShape(t, res.HTTPMeta, res.CustomerState)
	if res.CustomerState.CustomerStateIndividual == nil {
		t.Fatalf("customer state is %s, want individual", res.CustomerState.Type)
	}
	byExternal, err := s.client.Customers.GetStateExternal(ctx, s.externalID)
	ok(t, err, "Customers.GetStateExternal")
	checkShape(t, byExternal.HTTPMeta, byExternal.CustomerState)
	deepEqual(t, "GetStateExternal", byExternal.CustomerState, res.CustomerState)
	return res.CustomerState.CustomerStateIndividual
}

func TestSubscriptionReadsWhatACheckoutStarted(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	id := s.subscribe(t, map[string]any{"metadata": map[string]any{"source": "go"}})

	sub := s.getSubscription(t, id)
	if !uuid4.MatchString(sub.ID) {
		t.Errorf("id %q", sub.ID)
	}
	equal(t, "status", sub.Status, components.SubscriptionStatusActive)
	equal(t, "amount", sub.Amount, 2000)
	equal(t, "currency", sub.Currency, "usd")
	equal(t, "recurring_interval", sub.RecurringInterval, components.SubscriptionRecurringIntervalMonth)
	equal(t, "recurring_interval_count", sub.RecurringIntervalCount, 1)
	equal(t, "customer_id", sub.CustomerID, s.customer.ID)
	equal(t, "customer.id", sub.Customer.ID, s.customer.ID)
	equal(t, "customer.email", str(sub.Customer.Email), s.customer.Email)
	equal(t, "customer.type", sub.Customer.Type, components.CustomerTypeIndividual)
	equal(t, "product_id", sub.ProductID, s.product.ID)
	equal(t, "product.id", sub.Product.ID, s.product.ID)
	equal(t, "product benefits", len(sub.Product.Benefits), 3)
	equal(t, "prices", len(sub.Prices), 2)
	equal(t, "cancel_at_period_end", sub.CancelAtPeriodEnd, false)
	equal(t, "canceled_at/ends_at/ended_at", sub.CanceledAt == nil && sub.EndsAt == nil && sub.EndedAt == nil, true)
	equal(t, "trial", sub.TrialStart == nil && sub.TrialEnd == nil, true)
	equal(t, "discount", sub.DiscountID == nil && sub.Discount == nil, true)
	equal(t, "pending_update", sub.PendingUpdate == nil, true)
	if sub.StartedAt == nil {
		t.Fatal("started_at is null")
	}
	recent(t, "started_at", *sub.StartedAt)
	equal(t, "current_period_start = started_at", sub.CurrentPeriodStart.Equal(*sub.StartedAt), true)
	equal(t, "current_period_end = start + 1 month", sub.CurrentPeriodEnd.Equal(sub.CurrentPeriodStart.AddDate(0, 1, 0)), true)
	deepEqual(t, "metadata", sub.Metadata, map[string]components.MetadataOutputType{"source": components.CreateMetadataOutputTypeStr("go")})
	if len(sub.Meters) != 1 {
		t.Fatalf("meters = %d, want 1", len(sub.Meters))
	}
	equal(t, "meter", sub.Meters[0].MeterID, s.meter.ID)
	equal(t, "meter.meter.name", sub.Meters[0].Meter.Name, "API calls")
	equal(t, "meter consumed", sub.Meters[0].ConsumedUnits, 0)

	// Every filter the client has that the emulator answers.
	// A trial that began an hour ago, so the orders by started_at are exact.
	other := s.subscribe(t, map[string]any{"status": "trialing", "starts_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)})
	trialing := s.getSubscription(t, other)
	equal(t, "trialing status", trialing.Status, components.SubscriptionStatusTrialing)
	if trialing.TrialStart == nil || trialing.TrialEnd == nil {
		t.Errorf("trial_start %v, trial_end %v: want both set", trialing.TrialStart, trialing.TrialEnd)
	}
	deepEqual(t, "list (-started_at)", subscriptionIDs(t, s, operations.SubscriptionsListRequest{}), []string{id, other})
	deepEqual(t, "customer_id", subscriptionIDs(t, s, operations.SubscriptionsListRequest{CustomerID: polargo.Pointer(operations.CreateCustomerIDFilterStr(s.customer.ID))}), []string{id, other})
	deepEqual(t, "external_customer_id", subscriptionIDs(t, s, operations.SubscriptionsListRequest{ExternalCustomerID: polargo.Pointer(operations.CreateExternalCustomerIDFilterStr(s.externalID))}), []string{id, other})
	deepEqual(t, "product_id", subscriptionIDs(t, s, operations.SubscriptionsListRequest{ProductID: polargo.Pointer(operations.CreateProductIDFilterArrayOfStr([]string{s.product.ID}))}), []string{id, other})
	deepEqual(t, "another product", subscriptionIDs(t, s, operations.SubscriptionsListRequest{ProductID: polargo.Pointer(operations.CreateProductIDFilterStr("00000000-0000-4000-8000-000000000000"))}), []string{})
	deepEqual(t, "active", subscriptionIDs(t, s, operations.SubscriptionsListRequest{Active: polargo.Bool(true)}), []string{id, other})
	deepEqual(t, "inactive", subscriptionIDs(t, s, operations.SubscriptionsListRequest{Active: polargo.Bool(false)}), []string{})
	deepEqual(t, "sorted by started_at", subscriptionIDs(t, s, operations.SubscriptionsListRequest{Sorting: []components.SubscriptionSortProperty{components.SubscriptionSortPropertyStartedAt}}), []string{other, id})
	// Not sorted by status here: see KNOWN DIFFERENCES in main_test.go.

	page, err := s.client.Subscriptions.List(ctx, operations.SubscriptionsListRequest{Limit: polargo.Int64(1)})
	ok(t, err, "Subscriptions.List limit 1")
	deepEqual(t, "pagination", page.ListResourceSubscription.Pagination, components.Pagination{TotalCount: 2, MaxPage: 2})
	second, err := page.Next()
	ok(t, err, "Subscriptions.List Next()")
	if second == nil || len(second.ListResourceSubscription.Items) != 1 || second.ListResourceSubscription.Items[0].ID != other {
		t.Errorf("second page = %+v, want the trial", second)
	}
}

func TestSubscriptionGrantsBenefitsAndTheStateShowsThem(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	id := s.subscribe(t, map[string]any{})

	grants := grantsOf(t, s, operations.BenefitGrantsListRequest{CustomerID: polargo.Pointer(operations.CreateBenefitGrantsListQueryParamCustomerIDFilterStr(s.customer.ID))})
	if len(grants) != 3 {
		t.Fatalf("grants = %d, want 3", len(grants))
	}
	var benefits []string
	for _, g := range grants {
		benefits = append(benefits, g.BenefitID)
		equal(t, "is_granted", g.IsGranted, true)
		equal(t, "is_revoked", g.IsRevoked, false)
		equal(t, "subscription_id", str(g.SubscriptionID), id)
		equal(t, "order_id", g.OrderID == nil, true)
		equal(t, "customer_id", g.CustomerID, s.customer.ID)
		equal(t, "customer.id", customerID(g.Customer), s.customer.ID)
		equal(t, "benefit.id", benefitID(g.Benefit), g.BenefitID)
		if g.GrantedAt == nil {
			t.Error("granted_at is null")
		} else {
			recent(t, "granted_at", *g.GrantedAt)
		}
	}
	// v0.16.0 decodes every grant's properties as BenefitGrantDiscordProperties (an untagged union
	// tried in order, benefitgrant.go:88), so the license key's are read from the JSON.
	var raw struct {
		Items []struct {
			BenefitID  string         `json:"benefit_id"`
			Properties map[string]any `json:"properties"`
		} `json:"items"`
	}
	res, err := s.client.BenefitGrants.List(ctx, operations.BenefitGrantsListRequest{CustomerID: polargo.Pointer(operations.CreateBenefitGrantsListQueryParamCustomerIDFilterStr(s.customer.ID))})
	ok(t, err, "BenefitGrants.List")
	body(t, res.HTTPMeta, &raw)
	for _, item := range raw.Items {
		switch item.BenefitID {
		case s.license:
			display, _ := item.Properties["display_key"].(string)
			if !uuid4.MatchString(fmt.Sprint(item.Properties["license_key_id"])) || !strings.HasPrefix(display, "****-") {
				t.Errorf("license grant properties = %v, want license_key_id and a ****- display_key", item.Properties)
			}
		case s.support:
			deepEqual(t, "properties of the custom grant", item.Properties, map[string]any{})
		case s.credit:
			// BenefitGrant.properties is a union without a meter-credit member
			// (server/polar/benefit/strategies/__init__.py), so Polar answers {} for it.
			deepEqual(t, "properties of the meter-credit grant", item.Properties, map[string]any{})
		}
	}
	sort.Strings(benefits)
	want := []string{s.credit, s.license, s.support}
	sort.Strings(want)
	deepEqual(t, "granted benefits", benefits, want)

	byExternal := grantsOf(t, s, operations.BenefitGrantsListRequest{ExternalCustomerID: polargo.Pointer(operations.CreateQueryParamExternalCustomerIDFilterStr(s.externalID)), IsGranted: polargo.Bool(true)})
	equal(t, "grants by external customer id", len(byExternal), 3)
	none := grantsOf(t, s, operations.BenefitGrantsListRequest{IsGranted: polargo.Bool(false)})
	equal(t, "revoked grants", len(none), 0)

	oneBenefit, err := s.client.Benefits.Grants(ctx, operations.BenefitsGrantsRequest{ID: s.license})
	ok(t, err, "Benefits.Grants")
	checkShape(t, oneBenefit.HTTPMeta, oneBenefit.ListResourceBenefitGrant)
	equal(t, "grants of the license benefit", len(oneBenefit.ListResourceBenefitGrant.Items), 1)
	equal(t, "its benefit", oneBenefit.ListResourceBenefitGrant.Items[0].BenefitID, s.license)
	filtered, err := s.client.Benefits.Grants(ctx, operations.BenefitsGrantsRequest{
		ID: s.license, IsGranted: polargo.Bool(true), CustomerID: polargo.Pointer(operations.CreateQueryParamCustomerIDFilterStr(s.customer.ID)),
	})
	ok(t, err, "Benefits.Grants filtered")
	equal(t, "filtered grants", len(filtered.ListResourceBenefitGrant.Items), 1)

	state := s.state(t)
	equal(t, "state id", state.ID, s.customer.ID)
	equal(t, "state email", state.Email, s.customer.Email)
	if len(state.ActiveSubscriptions) != 1 {
		t.Fatalf("active_subscriptions = %d, want 1", len(state.ActiveSubscriptions))
	}
	active := state.ActiveSubscriptions[0]
	equal(t, "state subscription id", active.ID, id)
	equal(t, "state subscription status", active.Status, components.StatusActive)
	equal(t, "state subscription amount", active.Amount, 2000)
	equal(t, "state subscription product", active.ProductID, s.product.ID)
	equal(t, "state subscription meters", len(active.Meters), 1)
	equal(t, "granted_benefits", len(state.GrantedBenefits), 3)
	types := map[components.BenefitType]string{}
	for _, g := range state.GrantedBenefits {
		types[g.BenefitType] = g.BenefitID
		recent(t, "state grant granted_at", g.GrantedAt)
	}
	deepEqual(t, "granted benefit types", types, map[components.BenefitType]string{
		components.BenefitTypeMeterCredit: s.credit, components.BenefitTypeLicenseKeys: s.license, components.BenefitTypeCustom: s.support,
	})
	if len(state.ActiveMeters) != 1 {
		t.Fatalf("active_meters = %d, want 1", len(state.ActiveMeters))
	}
	meter := state.ActiveMeters[0]
	equal(t, "state meter", meter.MeterID, s.meter.ID)
	equal(t, "state meter credited", meter.CreditedUnits, 100)
	equal(t, "state meter consumed", meter.ConsumedUnits, 0)
	equal(t, "state meter balance", meter.Balance, 100)
}

func TestSubscriptionCancelUncancelAndRevoke(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	id := s.subscribe(t, map[string]any{})
	started := s.getSubscription(t, id)

	res, err := s.client.Subscriptions.Update(ctx, id, components.CreateSubscriptionUpdateSubscriptionCancel(components.SubscriptionCancel{
		CancelAtPeriodEnd:           true,
		CustomerCancellationReason:  components.CustomerCancellationReasonTooExpensive.ToPointer(),
		CustomerCancellationComment: polargo.String("Too pricey for now."),
	}))
	ok(t, err, "Subscriptions.Update cancel_at_period_end=true")
	checkShape(t, res.HTTPMeta, res.Subscription)
	canceling := res.Subscription
	equal(t, "status (still active)", canceling.Status, components.SubscriptionStatusActive)
	equal(t, "cancel_at_period_end", canceling.CancelAtPeriodEnd, true)
	if canceling.CanceledAt == nil || canceling.EndsAt == nil {
		t.Fatalf("canceled_at %v, ends_at %v: want both set", canceling.CanceledAt, canceling.EndsAt)
	}
	recent(t, "canceled_at", *canceling.CanceledAt)
	equal(t, "ends_at = current_period_end", canceling.EndsAt.Equal(started.CurrentPeriodEnd), true)
	equal(t, "ended_at", canceling.EndedAt == nil, true)
	equal(t, "reason", string(*canceling.CustomerCancellationReason), "too_expensive")
	equal(t, "comment", str(canceling.CustomerCancellationComment), "Too pricey for now.")
	deepEqual(t, "cancel_at_period_end filter", subscriptionIDs(t, s, operations.SubscriptionsListRequest{CancelAtPeriodEnd: polargo.Bool(true)}), []string{id})
	deepEqual(t, "reason filter", subscriptionIDs(t, s, operations.SubscriptionsListRequest{
		CustomerCancellationReason: polargo.Pointer(operations.CreateCustomerCancellationReasonFilterCustomerCancellationReason(components.CustomerCancellationReasonTooExpensive)),
	}), []string{id})
	equal(t, "state while canceling", len(s.state(t).ActiveSubscriptions), 1)

	_, err = s.client.Subscriptions.Update(ctx, id, components.CreateSubscriptionUpdateSubscriptionCancel(components.SubscriptionCancel{CancelAtPeriodEnd: true}))
	already := asError[*apierrors.AlreadyCanceledSubscription](t, err)
	equal(t, "AlreadyCanceledSubscription.Detail", already.Detail, "This subscription is already canceled or will be at the end of the period.")

	res, err = s.client.Subscriptions.Update(ctx, id, components.CreateSubscriptionUpdateSubscriptionCancel(components.SubscriptionCancel{CancelAtPeriodEnd: false}))
	ok(t, err, "Subscriptions.Update cancel_at_period_end=false")
	checkShape(t, res.HTTPMeta, res.Subscription)
	equal(t, "uncanceled", res.Subscription.CancelAtPeriodEnd, false)
	equal(t, "uncanceled canceled_at/ends_at", res.Subscription.CanceledAt == nil && res.Subscription.EndsAt == nil, true)

	res, err = s.client.Subscriptions.Update(ctx, id, components.CreateSubscriptionUpdateSubscriptionRevoke(components.SubscriptionRevoke{
		CustomerCancellationReason: components.CustomerCancellationReasonUnused.ToPointer(),
	}))
	ok(t, err, "Subscriptions.Update revoke=true")
	checkShape(t, res.HTTPMeta, res.Subscription)
	revoked := res.Subscription
	equal(t, "revoked status", revoked.Status, components.SubscriptionStatusCanceled)
	if revoked.EndedAt == nil {
		t.Fatal("ended_at is null after revoke")
	}
	recent(t, "ended_at", *revoked.EndedAt)
	equal(t, "revoked reason", string(*revoked.CustomerCancellationReason), "unused")
	deepEqual(t, "inactive", subscriptionIDs(t, s, operations.SubscriptionsListRequest{Active: polargo.Bool(false)}), []string{id})

	// The benefits go with it.
	revokedGrants := grantsOf(t, s, operations.BenefitGrantsListRequest{IsGranted: polargo.Bool(false)})
	equal(t, "revoked grants", len(revokedGrants), 3)
	for _, g := range revokedGrants {
		equal(t, "is_revoked", g.IsRevoked, true)
		if g.RevokedAt == nil {
			t.Error("revoked_at is null")
		}
	}
	state := s.state(t)
	equal(t, "state subscriptions after revoke", len(state.ActiveSubscriptions), 0)
	equal(t, "state benefits after revoke", len(state.GrantedBenefits), 0)

	_, err = s.client.Subscriptions.Revoke(ctx, id)
	asError[*apierrors.AlreadyCanceledSubscription](t, err)

	// Revoke (DELETE) on a second one.
	second := s.subscribe(t, map[string]any{})
	del, err := s.client.Subscriptions.Revoke(ctx, second)
	ok(t, err, "Subscriptions.Revoke")
	checkShape(t, del.HTTPMeta, del.Subscription)
	equal(t, "Revoke status", del.Subscription.Status, components.SubscriptionStatusCanceled)
	equal(t, "Revoke id", del.Subscription.ID, second)
}

func TestSubscriptionErrors(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	unknown := "00000000-0000-4000-8000-000000000000"
	_, err := s.client.Subscriptions.Get(ctx, unknown)
	assertNotFound(t, err)
	_, err = s.client.Subscriptions.Revoke(ctx, unknown)
	assertNotFound(t, err)
	_, err = s.client.Subscriptions.Update(ctx, unknown, components.CreateSubscriptionUpdateSubscriptionCancel(components.SubscriptionCancel{CancelAtPeriodEnd: true}))
	assertNotFound(t, err)
	_, err = s.client.Subscriptions.Get(ctx, "nope")
	assertValidation(t, err, "path.id", "uuid_parsing")
	_, err = s.client.Subscriptions.List(ctx, operations.SubscriptionsListRequest{CustomerID: polargo.Pointer(operations.CreateCustomerIDFilterStr("nope"))})
	assertValidation(t, err, "query.customer_id", "uuid_parsing")
}

// --------------------------------------------------------------------------------------------
// Events and customer meters
// --------------------------------------------------------------------------------------------

func TestEventsIngestMovesCustomerMeters(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	s.subscribe(t, map[string]any{})
	at := time.Now().UTC().Add(-time.Minute).Truncate(time.Millisecond)

	res, err := s.client.Events.Ingest(ctx, components.EventsIngest{Events: []components.Events{
		components.CreateEventsEventCreateCustomer(components.EventCreateCustomer{Name: "api_call", CustomerID: s.customer.ID, ExternalID: polargo.String("call-1")}),
		components.CreateEventsEventCreateExternalCustomer(components.EventCreateExternalCustomer{Name: "api_call", ExternalCustomerID: s.externalID, Timestamp: &at}),
		components.CreateEventsEventCreateExternalCustomer(components.EventCreateExternalCustomer{
			Name: "api_call", ExternalCustomerID: s.externalID,
			Metadata: map[string]components.EventMetadataInput{"route": components.CreateEventMetadataInputStr("/v1/things"), "ms": components.CreateEventMetadataInputInteger(42)},
		}),
		components.CreateEventsEventCreateCustomer(components.EventCreateCustomer{Name: "other_event", CustomerID: s.customer.ID}),
	}})
	ok(t, err, "Events.Ingest")
	checkShape(t, res.HTTPMeta, res.EventsIngestResponse)
	equal(t, "inserted", res.EventsIngestResponse.Inserted, 4)
	equal(t, "duplicates", i64(res.EventsIngestResponse.Duplicates), "0")

	again, err := s.client.Events.Ingest(ctx, components.EventsIngest{Events: []components.Events{
		components.CreateEventsEventCreateCustomer(components.EventCreateCustomer{Name: "api_call", CustomerID: s.customer.ID, ExternalID: polargo.String("call-1")}),
		components.CreateEventsEventCreateCustomer(components.EventCreateCustomer{Name: "api_call", CustomerID: s.customer.ID, ExternalID: polargo.String("call-2")}),
	}})
	ok(t, err, "Events.Ingest again")
	equal(t, "inserted again", again.EventsIngestResponse.Inserted, 1)
	equal(t, "duplicates again", i64(again.EventsIngestResponse.Duplicates), "1")

	list, err := s.client.CustomerMeters.List(ctx, operations.CustomerMetersListRequest{CustomerID: polargo.Pointer(operations.CreateCustomerMetersListQueryParamCustomerIDFilterStr(s.customer.ID))})
	ok(t, err, "CustomerMeters.List")
	checkShape(t, list.HTTPMeta, list.ListResourceCustomerMeter)
	if len(list.ListResourceCustomerMeter.Items) != 1 {
		t.Fatalf("customer meters = %d, want 1", len(list.ListResourceCustomerMeter.Items))
	}
	cm := list.ListResourceCustomerMeter.Items[0]
	if !uuid4.MatchString(cm.ID) {
		t.Errorf("customer meter id %q", cm.ID)
	}
	equal(t, "customer_id", cm.CustomerID, s.customer.ID)
	equal(t, "customer.id", customerID(cm.Customer), s.customer.ID)
	equal(t, "meter_id", cm.MeterID, s.meter.ID)
	equal(t, "meter.name", cm.Meter.Name, "API calls")
	equal(t, "consumed_units (4 api_call events)", cm.ConsumedUnits, 4)
	equal(t, "credited_units", cm.CreditedUnits, 100)
	equal(t, "balance", cm.Balance, 96)

	got, err := s.client.CustomerMeters.Get(ctx, cm.ID)
	ok(t, err, "CustomerMeters.Get")
	checkShape(t, got.HTTPMeta, got.CustomerMeter)
	deepEqual(t, "CustomerMeters.Get", got.CustomerMeter, &cm)

	for what, req := range map[string]operations.CustomerMetersListRequest{
		"external_customer_id": {ExternalCustomerID: polargo.Pointer(operations.CreateCustomerMetersListQueryParamExternalCustomerIDFilterStr(s.externalID))},
		"meter_id":             {MeterID: polargo.Pointer(operations.CreateQueryParamMeterIDFilterStr(s.meter.ID))},
		"organization_id":      {OrganizationID: polargo.Pointer(operations.CreateCustomerMetersListQueryParamOrganizationIDFilterStr(s.id))},
		"no filter":            {},
	} {
		res, err := s.client.CustomerMeters.List(ctx, req)
		ok(t, err, "CustomerMeters.List "+what)
		if len(res.ListResourceCustomerMeter.Items) != 1 || res.ListResourceCustomerMeter.Items[0].ID != cm.ID {
			t.Errorf("CustomerMeters.List %s: %d items", what, len(res.ListResourceCustomerMeter.Items))
		}
	}
	none, err := s.client.CustomerMeters.List(ctx, operations.CustomerMetersListRequest{MeterID: polargo.Pointer(operations.CreateQueryParamMeterIDFilterStr("00000000-0000-4000-8000-000000000000"))})
	ok(t, err, "CustomerMeters.List another meter")
	equal(t, "another meter", none.ListResourceCustomerMeter.Pagination.TotalCount, 0)

	state := s.state(t)
	if len(state.ActiveMeters) != 1 {
		t.Fatalf("active_meters = %d", len(state.ActiveMeters))
	}
	equal(t, "state consumed", state.ActiveMeters[0].ConsumedUnits, 4)
	equal(t, "state balance", state.ActiveMeters[0].Balance, 96)
	sub := s.getSubscription(t, state.ActiveSubscriptions[0].ID)
	equal(t, "subscription meter consumed", sub.Meters[0].ConsumedUnits, 4)

	_, err = s.client.CustomerMeters.Get(ctx, "00000000-0000-4000-8000-000000000000")
	assertNotFound(t, err)
	_, err = s.client.Events.Ingest(ctx, components.EventsIngest{Events: []components.Events{
		components.CreateEventsEventCreateCustomer(components.EventCreateCustomer{Name: "api_call", CustomerID: "00000000-0000-4000-8000-000000000000"}),
	}})
	assertValidation(t, err, "body.events.0.customer_id", "customer_id")
}
