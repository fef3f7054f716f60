package contract

import (
	"net/http"
	"strings"
	"testing"

	polargo "github.com/polarsource/polar-go"
	"github.com/polarsource/polar-go/models/components"
	"github.com/polarsource/polar-go/models/operations"
)

// portalSession opens a customer session for the shop's customer: the token the portal's methods
// take as their security (v0.16.0 passes it per call, customerportal.go).
func (s shop) portalSession(t *testing.T) *string {
	t.Helper()
	created, err := s.client.CustomerSessions.Create(ctx, operations.CreateCustomerSessionsCreateCustomerSessionCreateCustomerSessionCustomerIDCreate(
		components.CustomerSessionCustomerIDCreate{CustomerID: s.customer.ID},
	))
	ok(t, err, "CustomerSessions.Create")
	checkShape(t, created.HTTPMeta, created.CustomerSession)
	if !strings.HasPrefix(created.CustomerSession.Token, "polar_cst_") {
		t.Fatalf("customer session token %q", created.CustomerSession.Token)
	}
	return polargo.String(created.CustomerSession.Token)
}

func TestCustomerPortalReads(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	subscription := s.subscribe(t, map[string]any{})
	session := s.portalSession(t)
	portal := s.client.CustomerPortal

	me, err := portal.Customers.Get(ctx, operations.CustomerPortalCustomersGetSecurity{CustomerSession: session})
	ok(t, err, "CustomerPortal.Customers.Get")
	checkShape(t, me.HTTPMeta, me.CustomerPortalCustomer)
	equal(t, "portal customer", me.CustomerPortalCustomer.ID, s.customer.ID)
	updated, err := portal.Customers.Update(ctx, components.CustomerPortalCustomerUpdate{BillingName: polargo.String("Ada Ltd")},
		operations.CustomerPortalCustomersUpdateSecurity{CustomerSession: session})
	ok(t, err, "CustomerPortal.Customers.Update")
	checkShape(t, updated.HTTPMeta, updated.CustomerPortalCustomer)
	equal(t, "billing_name", str(updated.CustomerPortalCustomer.BillingName), "Ada Ltd")

	introspected, err := portal.CustomerSession.Introspect(ctx, operations.CustomerPortalCustomerSessionIntrospectSecurity{CustomerSession: session})
	ok(t, err, "CustomerPortal.CustomerSession.Introspect")
	checkShape(t, introspected.HTTPMeta, introspected.CustomerCustomerSession)
	user, err := portal.CustomerSession.GetAuthenticatedUser(ctx, operations.CustomerPortalCustomerSessionGetAuthenticatedUserSecurity{CustomerSession: session})
	ok(t, err, "CustomerPortal.CustomerSession.GetAuthenticatedUser")
	checkShape(t, user.HTTPMeta, user.PortalAuthenticatedUser)
	equal(t, "authenticated customer", user.PortalAuthenticatedUser.CustomerID, s.customer.ID)

	// Not BenefitGrants.List and Get: v0.16.0 requires `metadata` in a grant's benefit
	// (models/components/benefitmetercreditsubscriber.go:27 and its siblings), which Polar's
	// BenefitSubscriber schemas no longer have (2026-10 document), so it fails against Polar too.

	subscriptions, err := portal.Subscriptions.List(ctx, operations.CustomerPortalSubscriptionsListRequest{},
		operations.CustomerPortalSubscriptionsListSecurity{CustomerSession: session})
	ok(t, err, "CustomerPortal.Subscriptions.List")
	checkShape(t, subscriptions.HTTPMeta, subscriptions.ListResourceCustomerSubscription)
	equal(t, "subscriptions", len(subscriptions.ListResourceCustomerSubscription.Items), 1)
	got, err := portal.Subscriptions.Get(ctx, operations.CustomerPortalSubscriptionsGetSecurity{CustomerSession: session}, subscription)
	ok(t, err, "CustomerPortal.Subscriptions.Get")
	checkShape(t, got.HTTPMeta, got.CustomerSubscription)
	canceled, err := portal.Subscriptions.Cancel(ctx, operations.CustomerPortalSubscriptionsCancelSecurity{CustomerSession: session}, subscription)
	ok(t, err, "CustomerPortal.Subscriptions.Cancel")
	checkShape(t, canceled.HTTPMeta, canceled.CustomerSubscription)
	equal(t, "cancel_at_period_end", canceled.CustomerSubscription.CancelAtPeriodEnd, true)

	meters, err := portal.CustomerMeters.List(ctx, operations.CustomerPortalCustomerMetersListRequest{},
		operations.CustomerPortalCustomerMetersListSecurity{CustomerSession: session})
	ok(t, err, "CustomerPortal.CustomerMeters.List")
	checkShape(t, meters.HTTPMeta, meters.ListResourceCustomerCustomerMeter)
	if len(meters.ListResourceCustomerCustomerMeter.Items) != 1 {
		t.Fatalf("customer meters %+v", meters.ListResourceCustomerCustomerMeter.Items)
	}
	meter, err := portal.CustomerMeters.Get(ctx, operations.CustomerPortalCustomerMetersGetSecurity{CustomerSession: session},
		meters.ListResourceCustomerCustomerMeter.Items[0].ID)
	ok(t, err, "CustomerPortal.CustomerMeters.Get")
	checkShape(t, meter.HTTPMeta, meter.CustomerCustomerMeter)
	equal(t, "credited_units", meter.CustomerCustomerMeter.CreditedUnits, 100)

	keys, err := portal.LicenseKeys.List(ctx, operations.CustomerPortalLicenseKeysListSecurity{CustomerSession: session}, nil, nil, nil)
	ok(t, err, "CustomerPortal.LicenseKeys.List")
	checkShape(t, keys.HTTPMeta, keys.ListResourceLicenseKeyRead)
	if len(keys.ListResourceLicenseKeyRead.Items) != 1 {
		t.Fatalf("license keys %+v", keys.ListResourceLicenseKeyRead.Items)
	}
	key, err := portal.LicenseKeys.Get(ctx, operations.CustomerPortalLicenseKeysGetSecurity{CustomerSession: session},
		keys.ListResourceLicenseKeyRead.Items[0].ID)
	ok(t, err, "CustomerPortal.LicenseKeys.Get")
	checkShape(t, key.HTTPMeta, key.LicenseKeyWithActivations)

	downloadables, err := portal.Downloadables.List(ctx, operations.CustomerPortalDownloadablesListSecurity{CustomerSession: session}, nil, nil, nil)
	ok(t, err, "CustomerPortal.Downloadables.List")
	checkShape(t, downloadables.HTTPMeta, downloadables.ListResourceDownloadableRead)

	_, err = portal.Subscriptions.Get(ctx, operations.CustomerPortalSubscriptionsGetSecurity{CustomerSession: session}, "9b6f4a8e-3c1d-4f2a-9e7b-0a1b2c3d4e5f")
	assertNotFound(t, err)
}

func TestCustomerPortalOrders(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	lifetime := createProduct(t, s.tenant, components.CreateProductCreateProductCreateOneTime(components.ProductCreateOneTime{
		Name:   "Lifetime",
		Prices: []components.ProductCreateOneTimePrices{components.CreateProductCreateOneTimePricesFixed(components.ProductPriceFixedCreate{PriceAmount: 5000})},
	}))
	subscription := s.subscribe(t, map[string]any{"starts_at": "2026-01-15T00:00:00Z"})
	purchase := s.purchase(t, lifetime.ID, true)
	control(t, "POST", "/_emulator/subscriptions/"+subscription+"/renew_failed", nil, http.StatusOK, nil)
	session := s.portalSession(t)
	orders := s.client.CustomerPortal.Orders

	list, err := orders.List(ctx, operations.CustomerPortalOrdersListRequest{}, operations.CustomerPortalOrdersListSecurity{CustomerSession: session})
	ok(t, err, "CustomerPortal.Orders.List")
	checkShape(t, list.HTTPMeta, list.ListResourceCustomerOrder)
	var reasons []string
	for _, order := range list.ListResourceCustomerOrder.Items {
		reasons = append(reasons, string(order.BillingReason)+" "+string(order.Status))
	}
	deepEqual(t, "portal orders", reasons, []string{"subscription_cycle pending", "purchase paid", "subscription_create paid"})
	renewal := list.ListResourceCustomerOrder.Items[0].ID
	oneTime, err := orders.List(ctx, operations.CustomerPortalOrdersListRequest{
		ProductID: polargo.Pointer(operations.CreateCustomerPortalOrdersListQueryParamProductIDFilterStr(lifetime.ID)),
	}, operations.CustomerPortalOrdersListSecurity{CustomerSession: session})
	ok(t, err, "CustomerPortal.Orders.List by product")
	equal(t, "orders of the product", len(oneTime.ListResourceCustomerOrder.Items), 1)

	got, err := orders.Get(ctx, operations.CustomerPortalOrdersGetSecurity{CustomerSession: session}, purchase)
	ok(t, err, "CustomerPortal.Orders.Get")
	checkShape(t, got.HTTPMeta, got.CustomerOrder)
	equal(t, "description", got.CustomerOrder.Description, "Lifetime")
	if got.CustomerOrder.Product == nil || got.CustomerOrder.Product.Organization.ID != s.id {
		t.Errorf("order product %+v", got.CustomerOrder.Product)
	}
	updated, err := orders.Update(ctx, operations.CustomerPortalOrdersUpdateSecurity{CustomerSession: session}, purchase, components.CustomerOrderUpdate{
		BillingName:    polargo.String("Ada Ltd"),
		BillingAddress: &components.AddressInput{Country: components.AddressInputCountryAlpha2InputSe, City: polargo.String("Stockholm")},
	})
	ok(t, err, "CustomerPortal.Orders.Update")
	checkShape(t, updated.HTTPMeta, updated.CustomerOrder)
	equal(t, "billing_name", str(updated.CustomerOrder.BillingName), "Ada Ltd")
	generated, err := orders.GenerateInvoice(ctx, operations.CustomerPortalOrdersGenerateInvoiceSecurity{CustomerSession: session}, purchase)
	ok(t, err, "CustomerPortal.Orders.GenerateInvoice")
	equal(t, "generate status", generated.HTTPMeta.Response.StatusCode, http.StatusAccepted)
	invoice, err := orders.Invoice(ctx, operations.CustomerPortalOrdersInvoiceSecurity{CustomerSession: session}, purchase)
	ok(t, err, "CustomerPortal.Orders.Invoice")
	checkShape(t, invoice.HTTPMeta, invoice.CustomerOrderInvoice)
	if !strings.Contains(invoice.CustomerOrderInvoice.URL, "/_emulator/orders/"+purchase+"/invoice.pdf") {
		t.Errorf("invoice url %q", invoice.CustomerOrderInvoice.URL)
	}

	status, err := orders.GetPaymentStatus(ctx, operations.CustomerPortalOrdersGetPaymentStatusSecurity{CustomerSession: session}, renewal)
	ok(t, err, "CustomerPortal.Orders.GetPaymentStatus")
	checkShape(t, status.HTTPMeta, status.CustomerOrderPaymentStatus)
	equal(t, "payment status", status.CustomerOrderPaymentStatus.Status, "failed")
	equal(t, "payment error", str(status.CustomerOrderPaymentStatus.Error), "Your card was declined.")
	paid, err := orders.ConfirmRetryPayment(ctx, operations.CustomerPortalOrdersConfirmRetryPaymentSecurity{CustomerSession: session}, renewal,
		components.CustomerOrderConfirmPayment{ConfirmationTokenID: polargo.String("tok_visa")})
	ok(t, err, "CustomerPortal.Orders.ConfirmRetryPayment")
	checkShape(t, paid.HTTPMeta, paid.CustomerOrderPaymentConfirmation)
	equal(t, "retry", paid.CustomerOrderPaymentConfirmation.Status, "succeeded")
	equal(t, "subscription recovered", s.getSubscription(t, subscription).Status, components.SubscriptionStatusActive)

	_, err = orders.Get(ctx, operations.CustomerPortalOrdersGetSecurity{CustomerSession: session}, "9b6f4a8e-3c1d-4f2a-9e7b-0a1b2c3d4e5f")
	assertNotFound(t, err)
}
