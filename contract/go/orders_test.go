package contract

import (
	"net/http"
	"strings"
	"testing"

	polargo "github.com/polarsource/polar-go"
	"github.com/polarsource/polar-go/models/apierrors"
	"github.com/polarsource/polar-go/models/components"
	"github.com/polarsource/polar-go/models/operations"
)

// purchase places a one-time purchase through the control plane, as a completed checkout would.
func (s shop) purchase(t *testing.T, productID string, paid bool) string {
	t.Helper()
	var placed struct {
		Order struct {
			ID string `json:"id"`
		} `json:"order"`
	}
	control(t, "POST", "/_emulator/orders", map[string]any{
		"customer_id": s.customer.ID, "product_id": productID, "paid": paid,
	}, http.StatusCreated, &placed)
	return placed.Order.ID
}

func TestOrdersListGetUpdateInvoiceExport(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	lifetime := createProduct(t, s.tenant, components.CreateProductCreateProductCreateOneTime(components.ProductCreateOneTime{
		Name:   "Lifetime",
		Prices: []components.ProductCreateOneTimePrices{components.CreateProductCreateOneTimePricesFixed(components.ProductPriceFixedCreate{PriceAmount: 5000})},
	}))
	paid := s.purchase(t, lifetime.ID, true)
	pending := s.purchase(t, lifetime.ID, false)
	subscription := s.subscribe(t, map[string]any{})
	control(t, "POST", "/_emulator/subscriptions/"+subscription+"/renew", nil, http.StatusOK, nil)

	list, err := s.client.Orders.List(ctx, operations.OrdersListRequest{
		CustomerID: polargo.Pointer(operations.CreateOrdersListQueryParamCustomerIDFilterStr(s.customer.ID)),
		Limit:      polargo.Int64(100),
	})
	ok(t, err, "Orders.List")
	checkShape(t, list.HTTPMeta, list.ListResourceOrder)
	var reasons []string
	for _, order := range list.ListResourceOrder.Items {
		reasons = append(reasons, string(order.BillingReason)+" "+string(order.Status))
	}
	deepEqual(t, "orders", reasons, []string{
		"subscription_cycle paid", "subscription_create paid", "purchase pending", "purchase paid",
	})

	got, err := s.client.Orders.Get(ctx, paid)
	ok(t, err, "Orders.Get")
	checkShape(t, got.HTTPMeta, got.Order)
	order := got.Order
	equal(t, "status", order.Status, components.OrderStatusPaid)
	equal(t, "billing_reason", order.BillingReason, components.OrderBillingReasonPurchase)
	equal(t, "total_amount", order.TotalAmount, 5000)
	equal(t, "customer", order.Customer.ID, s.customer.ID)
	equal(t, "description", order.Description, "Lifetime")
	if !strings.HasSuffix(order.InvoiceNumber, "-0001") {
		t.Errorf("invoice_number %q", order.InvoiceNumber)
	}
	if len(order.Items) != 1 || order.Items[0].Amount != 5000 {
		t.Errorf("items %+v", order.Items)
	}
	_, err = s.client.Orders.Get(ctx, "9b6f4a8e-3c1d-4f2a-9e7b-0a1b2c3d4e5f")
	assertNotFound(t, err)

	_, err = s.client.Orders.GenerateInvoice(ctx, paid)
	if err == nil {
		t.Errorf("GenerateInvoice without billing details: no error")
	}
	updated, err := s.client.Orders.Update(ctx, paid, components.OrderUpdate{
		BillingName:    polargo.String("Ada Ltd"),
		BillingAddress: &components.AddressInput{Country: components.AddressInputCountryAlpha2InputSe, City: polargo.String("Stockholm")},
	})
	ok(t, err, "Orders.Update")
	checkShape(t, updated.HTTPMeta, updated.Order)
	equal(t, "billing_name", str(updated.Order.BillingName), "Ada Ltd")
	generated, err := s.client.Orders.GenerateInvoice(ctx, paid)
	ok(t, err, "Orders.GenerateInvoice")
	equal(t, "generate status", generated.HTTPMeta.Response.StatusCode, http.StatusAccepted)
	invoice, err := s.client.Orders.Invoice(ctx, paid)
	ok(t, err, "Orders.Invoice")
	checkShape(t, invoice.HTTPMeta, invoice.OrderInvoice)
	if !strings.Contains(invoice.OrderInvoice.URL, "/_emulator/orders/"+paid+"/invoice.pdf") {
		t.Errorf("invoice url %q", invoice.OrderInvoice.URL)
	}
	_, err = s.client.Orders.Invoice(ctx, pending)
	if err == nil {
		t.Errorf("Invoice of an order without one: no error")
	}

	exported, err := s.client.Orders.Export(ctx, nil, nil)
	ok(t, err, "Orders.Export")
	if exported.Res == nil || !strings.HasPrefix(*exported.Res, "Email,Created At,Product,Net Amount,Currency,Status,Invoice number\r\n") {
		t.Errorf("export %v", exported.Res)
	}
}

func TestRefundsCreateAndList(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	lifetime := createProduct(t, s.tenant, components.CreateProductCreateProductCreateOneTime(components.ProductCreateOneTime{
		Name:   "Lifetime",
		Prices: []components.ProductCreateOneTimePrices{components.CreateProductCreateOneTimePricesFixed(components.ProductPriceFixedCreate{PriceAmount: 5000})},
	}))
	paid := s.purchase(t, lifetime.ID, true)

	created, err := s.client.Refunds.Create(ctx, components.RefundCreate{
		OrderID: paid, Reason: components.RefundReasonCustomerRequest, Amount: 5000,
		Comment: polargo.String("Changed their mind"),
	})
	ok(t, err, "Refunds.Create")
	checkShape(t, created.HTTPMeta, created.Refund)
	equal(t, "status code", created.HTTPMeta.Response.StatusCode, http.StatusCreated)
	refund := created.Refund
	equal(t, "status", refund.Status, components.RefundStatusSucceeded)
	equal(t, "amount", refund.Amount, 5000)
	equal(t, "order_id", refund.OrderID, paid)

	_, err = s.client.Refunds.Create(ctx, components.RefundCreate{OrderID: paid, Reason: components.RefundReasonOther, Amount: 1})
	already := asError[*apierrors.RefundedAlready](t, err)
	equal(t, "RefundedAlready detail", already.Detail, "Order is already fully refunded: "+paid)

	list, err := s.client.Refunds.List(ctx, operations.RefundsListRequest{
		OrderID: polargo.Pointer(operations.CreateOrderIDFilterStr(paid)),
	})
	ok(t, err, "Refunds.List")
	checkShape(t, list.HTTPMeta, list.ListResourceRefund)
	if len(list.ListResourceRefund.Items) != 1 || list.ListResourceRefund.Items[0].ID != refund.ID {
		t.Errorf("refunds %+v", list.ListResourceRefund.Items)
	}
	got, err := s.client.Orders.Get(ctx, paid)
	ok(t, err, "Orders.Get")
	equal(t, "status after refund", got.Order.Status, components.OrderStatusRefunded)
}
