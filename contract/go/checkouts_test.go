package contract

import (
	"net/http"
	"strings"
	"testing"

	polargo "github.com/polarsource/polar-go"
	"github.com/polarsource/polar-go/models/components"
	"github.com/polarsource/polar-go/models/operations"
)

// A checkout through the merchant's API and the checkout page's client API, paid with the test
// card 4242 4242 4242 4242: every answer decoded by the client, its keys all there.
func TestCheckoutCreateUpdateAndConfirm(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	pro := monthly(t, org, "Pro", 2000)

	created, err := org.client.Checkouts.Create(ctx, components.CheckoutCreate{
		Products:      []string{pro.ID},
		CustomerEmail: polargo.String("go-buyer@example.com"),
	})
	ok(t, err, "Checkouts.Create")
	checkShape(t, created.HTTPMeta, created.Checkout)
	equal(t, "status", created.HTTPMeta.Response.StatusCode, http.StatusCreated)
	c := created.Checkout
	equal(t, "checkout status", c.Status, components.CheckoutStatusOpen)
	equal(t, "url", strings.HasSuffix(c.URL, "/checkout/"+c.ClientSecret), true)
	equal(t, "amount", c.TotalAmount, 2000)

	got, err := org.client.Checkouts.Get(ctx, c.ID)
	ok(t, err, "Checkouts.Get")
	checkShape(t, got.HTTPMeta, got.Checkout)
	listed, err := org.client.Checkouts.List(ctx, operations.CheckoutsListRequest{
		ProductID: polargo.Pointer(operations.CreateCheckoutsListQueryParamProductIDFilterStr(pro.ID)),
	})
	ok(t, err, "Checkouts.List")
	checkShape(t, listed.HTTPMeta, listed.ListResourceCheckout)
	equal(t, "listed", len(listed.ListResourceCheckout.Items), 1)
	updated, err := org.client.Checkouts.Update(ctx, c.ID, components.CheckoutUpdate{CustomerName: polargo.String("Go Buyer")})
	ok(t, err, "Checkouts.Update")
	checkShape(t, updated.HTTPMeta, updated.Checkout)
	equal(t, "customer_name", str(updated.Checkout.CustomerName), "Go Buyer")

	public, err := org.client.Checkouts.ClientGet(ctx, c.ClientSecret)
	ok(t, err, "Checkouts.ClientGet")
	checkShape(t, public.HTTPMeta, public.CheckoutPublic)
	equal(t, "organization", public.CheckoutPublic.Organization.ID, org.id)
	changed, err := org.client.Checkouts.ClientUpdate(ctx, c.ClientSecret, components.CheckoutUpdatePublic{
		CustomerBillingAddress: &components.AddressInput{Country: components.AddressInputCountryAlpha2InputFr},
	})
	ok(t, err, "Checkouts.ClientUpdate")
	checkShape(t, changed.HTTPMeta, changed.CheckoutPublic)
	confirmed, err := org.client.Checkouts.ClientConfirm(ctx, c.ClientSecret, components.CheckoutConfirmStripe{
		ConfirmationTokenID: polargo.String("4242 4242 4242 4242"),
	})
	ok(t, err, "Checkouts.ClientConfirm")
	checkShape(t, confirmed.HTTPMeta, confirmed.CheckoutPublicConfirmed)
	done, err := org.client.Checkouts.Get(ctx, c.ID)
	ok(t, err, "Checkouts.Get after confirm")
	equal(t, "succeeded", done.Checkout.Status, components.CheckoutStatusSucceeded)
}

func TestCheckoutLinkCreateGetListUpdateDelete(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	pro := monthly(t, org, "Pro", 2000)

	created, err := org.client.CheckoutLinks.Create(ctx, components.CreateCheckoutLinkCreateCheckoutLinkCreateProducts(
		components.CheckoutLinkCreateProducts{Products: []string{pro.ID}, Label: polargo.String("Go")},
	))
	ok(t, err, "CheckoutLinks.Create")
	checkShape(t, created.HTTPMeta, created.CheckoutLink)
	equal(t, "status", created.HTTPMeta.Response.StatusCode, http.StatusCreated)
	link := created.CheckoutLink
	equal(t, "url", strings.HasSuffix(link.URL, "/v1/checkout-links/"+link.ClientSecret+"/redirect"), true)

	got, err := org.client.CheckoutLinks.Get(ctx, link.ID)
	ok(t, err, "CheckoutLinks.Get")
	checkShape(t, got.HTTPMeta, got.CheckoutLink)
	listed, err := org.client.CheckoutLinks.List(ctx, operations.CheckoutLinksListRequest{
		ProductID: polargo.Pointer(operations.CreateCheckoutLinksListQueryParamProductIDFilterStr(pro.ID)),
	})
	ok(t, err, "CheckoutLinks.List")
	checkShape(t, listed.HTTPMeta, listed.ListResourceCheckoutLink)
	equal(t, "listed", len(listed.ListResourceCheckoutLink.Items), 1)
	updated, err := org.client.CheckoutLinks.Update(ctx, link.ID, components.CheckoutLinkUpdate{Label: polargo.String("Go 2")})
	ok(t, err, "CheckoutLinks.Update")
	checkShape(t, updated.HTTPMeta, updated.CheckoutLink)
	equal(t, "label", str(updated.CheckoutLink.Label), "Go 2")
	deleted, err := org.client.CheckoutLinks.Delete(ctx, link.ID)
	ok(t, err, "CheckoutLinks.Delete")
	equal(t, "delete status", deleted.HTTPMeta.Response.StatusCode, http.StatusNoContent)
	if _, err := org.client.CheckoutLinks.Get(ctx, link.ID); err == nil {
		t.Error("a deleted checkout link is still found")
	}
}
