package contract

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	polargo "github.com/polarsource/polar-go"
	"github.com/polarsource/polar-go/models/apierrors"
	"github.com/polarsource/polar-go/models/components"
	"github.com/polarsource/polar-go/models/operations"
)

// assertValidationMsg checks a 422 has an error at loc with the message msg.
func assertValidationMsg(t *testing.T, err error, loc, msg string) {
	t.Helper()
	e := asError[*apierrors.HTTPValidationError](t, err)
	var seen []string
	for _, detail := range e.Detail {
		parts := []string{}
		for _, part := range detail.Loc {
			if part.Str != nil {
				parts = append(parts, *part.Str)
			}
		}
		where := strings.Join(parts, ".")
		if where == loc && detail.Msg == msg {
			return
		}
		seen = append(seen, where+": "+detail.Msg)
	}
	t.Errorf("no validation error %q at %s; got %v", msg, loc, seen)
}

func TestSubscriptionCreateForAFreeProduct(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	free := monthly(t, s.tenant, "Free", 0)
	res, err := s.client.Products.UpdateBenefits(ctx, free.ID, components.ProductBenefitsUpdate{Benefits: []string{s.support}})
	ok(t, err, "Products.UpdateBenefits")
	free = res.Product

	created, err := s.client.Subscriptions.Create(ctx, operations.CreateSubscriptionsCreateSubscriptionCreateSubscriptionCreateCustomer(components.SubscriptionCreateCustomer{
		ProductID: free.ID, CustomerID: s.customer.ID,
		Metadata: map[string]components.Metadata{"source": components.CreateMetadataStr("go"), "seats": components.CreateMetadataInteger(2)},
	}))
	ok(t, err, "Subscriptions.Create")
	checkShape(t, created.HTTPMeta, created.Subscription)
	equal(t, "status code", created.HTTPMeta.Response.StatusCode, http.StatusCreated)
	sub := created.Subscription
	if !uuid4.MatchString(sub.ID) {
		t.Errorf("id %q", sub.ID)
	}
	equal(t, "status", sub.Status, components.SubscriptionStatusActive)
	equal(t, "amount", sub.Amount, 0)
	equal(t, "currency", sub.Currency, "usd")
	equal(t, "recurring_interval", sub.RecurringInterval, components.SubscriptionRecurringIntervalMonth)
	equal(t, "customer_id", sub.CustomerID, s.customer.ID)
	equal(t, "product_id", sub.ProductID, free.ID)
	equal(t, "product benefits", len(sub.Product.Benefits), 1)
	equal(t, "cancel_at_period_end", sub.CancelAtPeriodEnd, false)
	equal(t, "trial", sub.TrialStart == nil && sub.TrialEnd == nil, true)
	equal(t, "modified_at", sub.ModifiedAt == nil, true)
	recent(t, "created_at", sub.CreatedAt)
	if sub.StartedAt == nil {
		t.Error("started_at is null")
	} else {
		equal(t, "started_at = created_at", sub.StartedAt.Equal(sub.CreatedAt), true)
	}
	equal(t, "current_period_start = created_at", sub.CurrentPeriodStart.Equal(sub.CreatedAt), true)
	deepEqual(t, "metadata", sub.Metadata, map[string]components.MetadataOutputType{
		"source": components.CreateMetadataOutputTypeStr("go"), "seats": components.CreateMetadataOutputTypeInteger(2),
	})
	deepEqual(t, "Subscriptions.Get", s.getSubscription(t, sub.ID), sub)
	state := s.state(t)
	if len(state.ActiveSubscriptions) != 1 || state.ActiveSubscriptions[0].ID != sub.ID {
		t.Errorf("active_subscriptions = %+v, want the new one", state.ActiveSubscriptions)
	}
	if len(state.GrantedBenefits) != 1 || state.GrantedBenefits[0].BenefitID != s.support {
		t.Errorf("granted_benefits = %+v, want the free product's benefit", state.GrantedBenefits)
	}

	// By external customer id.
	byExternal, err := s.client.Subscriptions.Create(ctx, operations.CreateSubscriptionsCreateSubscriptionCreateSubscriptionCreateExternalCustomer(components.SubscriptionCreateExternalCustomer{
		ProductID: free.ID, ExternalCustomerID: s.externalID,
	}))
	ok(t, err, "Subscriptions.Create external_customer_id")
	checkShape(t, byExternal.HTTPMeta, byExternal.Subscription)
	equal(t, "customer by external id", byExternal.Subscription.CustomerID, s.customer.ID)
	deepEqual(t, "metadata by default", byExternal.Subscription.Metadata, map[string]components.MetadataOutputType{})

	// A paid product needs a checkout; a product or customer that does not exist is refused.
	unknown := "00000000-0000-4000-8000-000000000000"
	_, err = s.client.Subscriptions.Create(ctx, operations.CreateSubscriptionsCreateSubscriptionCreateSubscriptionCreateCustomer(components.SubscriptionCreateCustomer{
		ProductID: s.product.ID, CustomerID: s.customer.ID,
	}))
	assertValidationMsg(t, err, "body.product_id", "Product is not free. The customer should go through a checkout to create a paid subscription.")
	_, err = s.client.Subscriptions.Create(ctx, operations.CreateSubscriptionsCreateSubscriptionCreateSubscriptionCreateCustomer(components.SubscriptionCreateCustomer{
		ProductID: unknown, CustomerID: s.customer.ID,
	}))
	assertValidationMsg(t, err, "body.product_id", "Product does not exist.")
	_, err = s.client.Subscriptions.Create(ctx, operations.CreateSubscriptionsCreateSubscriptionCreateSubscriptionCreateCustomer(components.SubscriptionCreateCustomer{
		ProductID: free.ID, CustomerID: unknown,
	}))
	assertValidationMsg(t, err, "body.customer_id", "Customer does not exist.")
	_, err = s.client.Subscriptions.Create(ctx, operations.CreateSubscriptionsCreateSubscriptionCreateSubscriptionCreateExternalCustomer(components.SubscriptionCreateExternalCustomer{
		ProductID: free.ID, ExternalCustomerID: "nobody",
	}))
	assertValidationMsg(t, err, "body.external_customer_id", "Customer does not exist.")
	oneTime := createProduct(t, s.tenant, components.CreateProductCreateProductCreateOneTime(components.ProductCreateOneTime{
		Name: "Once", Prices: []components.ProductCreateOneTimePrices{components.CreateProductCreateOneTimePricesFixed(components.ProductPriceFixedCreate{PriceAmount: 0})},
	}))
	_, err = s.client.Subscriptions.Create(ctx, operations.CreateSubscriptionsCreateSubscriptionCreateSubscriptionCreateCustomer(components.SubscriptionCreateCustomer{
		ProductID: oneTime.ID, CustomerID: s.customer.ID,
	}))
	assertValidationMsg(t, err, "body.product_id", "Product is not a recurring product.")
	_, err = s.client.Subscriptions.Create(ctx, operations.CreateSubscriptionsCreateSubscriptionCreateSubscriptionCreateCustomer(components.SubscriptionCreateCustomer{
		ProductID: "bad", CustomerID: s.customer.ID,
	}))
	assertValidation(t, err, "body.SubscriptionCreateCustomer.product_id", "uuid_parsing")

	listed := subscriptionIDs(t, s, operations.SubscriptionsListRequest{})
	deepEqual(t, "subscriptions listed", len(listed), 2)
}

func TestSubscriptionExportIsCSV(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	s.subscribe(t, map[string]any{"starts_at": "2026-03-01T00:00:00Z"})
	other := newTenant(t)

	res, err := s.client.Subscriptions.Export(ctx, nil)
	ok(t, err, "Subscriptions.Export")
	equal(t, "content type", strings.Split(res.HTTPMeta.Response.Header.Get("Content-Type"), ";")[0], "text/csv")
	equal(t, "content disposition", res.HTTPMeta.Response.Header.Get("Content-Disposition"), `attachment; filename="polar-subscriptions.csv"`)
	if res.Res == nil {
		t.Fatalf("Subscriptions.Export: no CSV text (Any = %v)", res.Any)
	}
	rows, err := csv.NewReader(strings.NewReader(*res.Res)).ReadAll()
	ok(t, err, "parsing the CSV")
	// Polar's seven default columns (subscription/export.py); the amount in units, as a Python float.
	deepEqual(t, "export", rows, [][]string{
		{"Email", "Started At", "Product", "Amount", "Currency", "Status", "Billing Interval"},
		{s.customer.Email, "2026-03-01T00:00:00+00:00", "Pro", "20.0", "usd", "active", "month"},
	})
	// v0.16.0 sends only organization_id (operations/subscriptionsexport.go): another
	// organization's id exports nothing.
	foreign, err := s.client.Subscriptions.Export(ctx, polargo.Pointer(operations.CreateOrganizationIDStr(other.id)))
	ok(t, err, "Subscriptions.Export organization_id")
	equal(t, "another organization's export", str(foreign.Res), "Email,Started At,Product,Amount,Currency,Status,Billing Interval\r\n")
	own, err := s.client.Subscriptions.Export(ctx, polargo.Pointer(operations.CreateOrganizationIDStr(s.id)))
	ok(t, err, "Subscriptions.Export own organization_id")
	equal(t, "own organization's export", str(own.Res), str(res.Res))
}
