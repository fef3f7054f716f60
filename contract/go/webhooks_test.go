package contract

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	polargo "github.com/polarsource/polar-go"
	"github.com/polarsource/polar-go/models/components"
	"github.com/polarsource/polar-go/models/operations"
)

// receiver is a webhook endpoint for one test: it answers 200 and keeps each request.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests []received
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		raw, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.requests = append(r.requests, received{header: req.Header.Clone(), body: raw})
		r.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(r.Close)
	return r
}

// wait returns the first n requests once they have arrived.
func (r *receiver) wait(t *testing.T, n int) []received {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		got := append([]received(nil), r.requests...)
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the receiver got fewer than %d webhook requests in 10 s", n)
	return nil
}

// signedBy reports whether a request carries a valid Standard Webhooks signature for secret,
// with either key Polar uses: the UTF-8 bytes of the whole secret (its original scheme) or the
// base64-decoded part after whsec_ (Standard Webhooks). The Go client has no verifier of its own.
func signedBy(request received, secret string) bool {
	content := request.header.Get("webhook-id") + "." + request.header.Get("webhook-timestamp") + "." + string(request.body)
	keys := [][]byte{[]byte(secret)}
	if decoded, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_")); err == nil {
		keys = append(keys, decoded)
	}
	for _, key := range keys {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(content))
		want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
		for _, signature := range strings.Fields(request.header.Get("webhook-signature")) {
			if hmac.Equal([]byte(signature), []byte(want)) {
				return true
			}
		}
	}
	return false
}

// The event types v0.16.0 can decode (components/webhookeventtype.go): an endpoint subscribed to
// a newer type (discount.*, subscription.cycled, …) could not be read back by this client, from
// Polar either.
var customerEvents = []components.WebhookEventType{
	components.WebhookEventTypeCustomerCreated,
	components.WebhookEventTypeCustomerUpdated,
	components.WebhookEventTypeCustomerDeleted,
}

func TestWebhookEndpointCreateGetListUpdateResetDelete(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	res, err := org.client.Webhooks.CreateWebhookEndpoint(ctx, components.WebhookEndpointCreate{
		URL:    "https://example.com/hooks/polar",
		Name:   polargo.String("Production"),
		Format: components.WebhookFormatRaw,
		Events: customerEvents,
	})
	ok(t, err, "Webhooks.CreateWebhookEndpoint")
	checkShape(t, res.HTTPMeta, res.WebhookEndpoint)
	equal(t, "status", res.HTTPMeta.Response.StatusCode, http.StatusCreated)
	endpoint := res.WebhookEndpoint
	if !uuid4.MatchString(endpoint.ID) {
		t.Errorf("id %q", endpoint.ID)
	}
	recent(t, "created_at", endpoint.CreatedAt)
	equal(t, "url", endpoint.URL, "https://example.com/hooks/polar")
	equal(t, "name", str(endpoint.Name), "Production")
	equal(t, "format", endpoint.Format, components.WebhookFormatRaw)
	equal(t, "enabled", endpoint.Enabled, true)
	equal(t, "organization_id", endpoint.OrganizationID, org.id)
	deepEqual(t, "events", endpoint.Events, customerEvents)
	if !strings.HasPrefix(endpoint.Secret, "whsec_") || len(endpoint.Secret) < 32 {
		t.Errorf("secret %q, want a generated whsec_ secret", endpoint.Secret)
	}

	got, err := org.client.Webhooks.GetWebhookEndpoint(ctx, endpoint.ID)
	ok(t, err, "Webhooks.GetWebhookEndpoint")
	checkShape(t, got.HTTPMeta, got.WebhookEndpoint)
	deepEqual(t, "GetWebhookEndpoint", got.WebhookEndpoint, endpoint)

	second, err := org.client.Webhooks.CreateWebhookEndpoint(ctx, components.WebhookEndpointCreate{
		URL: "https://example.com/hooks/discord", Format: components.WebhookFormatDiscord, Events: []components.WebhookEventType{components.WebhookEventTypeSubscriptionCreated},
	})
	ok(t, err, "Webhooks.CreateWebhookEndpoint (discord)")
	equal(t, "second name", second.WebhookEndpoint.Name == nil, true)

	list, err := org.client.Webhooks.ListWebhookEndpoints(ctx, nil, nil, polargo.Int64(1))
	ok(t, err, "Webhooks.ListWebhookEndpoints")
	checkShape(t, list.HTTPMeta, list.ListResourceWebhookEndpoint)
	deepEqual(t, "pagination", list.ListResourceWebhookEndpoint.Pagination, components.Pagination{TotalCount: 2, MaxPage: 2})
	equal(t, "newest first", list.ListResourceWebhookEndpoint.Items[0].ID, second.WebhookEndpoint.ID)
	next, err := list.Next()
	ok(t, err, "Webhooks.ListWebhookEndpoints Next()")
	if next == nil || len(next.ListResourceWebhookEndpoint.Items) != 1 {
		t.Fatalf("second page = %+v", next)
	}
	deepEqual(t, "second page", &next.ListResourceWebhookEndpoint.Items[0], endpoint)
	byOrg, err := org.client.Webhooks.ListWebhookEndpoints(ctx, polargo.Pointer(operations.CreateQueryParamOrganizationIDStr(org.id)), polargo.Int64(1), nil)
	ok(t, err, "Webhooks.ListWebhookEndpoints organization_id")
	equal(t, "by organization", byOrg.ListResourceWebhookEndpoint.Pagination.TotalCount, 2)

	updated, err := org.client.Webhooks.UpdateWebhookEndpoint(ctx, endpoint.ID, components.WebhookEndpointUpdate{
		URL:     polargo.String("https://example.com/hooks/v2"),
		Name:    polargo.String("Production v2"),
		Format:  components.WebhookFormatSlack.ToPointer(),
		Events:  []components.WebhookEventType{components.WebhookEventTypeOrderPaid},
		Enabled: polargo.Bool(false),
	})
	ok(t, err, "Webhooks.UpdateWebhookEndpoint")
	checkShape(t, updated.HTTPMeta, updated.WebhookEndpoint)
	u := updated.WebhookEndpoint
	equal(t, "updated url", u.URL, "https://example.com/hooks/v2")
	equal(t, "updated name", str(u.Name), "Production v2")
	equal(t, "updated format", u.Format, components.WebhookFormatSlack)
	deepEqual(t, "updated events", u.Events, []components.WebhookEventType{components.WebhookEventTypeOrderPaid})
	equal(t, "updated enabled", u.Enabled, false)
	equal(t, "secret kept", u.Secret, endpoint.Secret)
	if u.ModifiedAt == nil {
		t.Error("modified_at is null after an update")
	}

	reset, err := org.client.Webhooks.ResetWebhookEndpointSecret(ctx, endpoint.ID)
	ok(t, err, "Webhooks.ResetWebhookEndpointSecret")
	checkShape(t, reset.HTTPMeta, reset.WebhookEndpoint)
	if reset.WebhookEndpoint.Secret == endpoint.Secret || !strings.HasPrefix(reset.WebhookEndpoint.Secret, "whsec_") {
		t.Errorf("secret after reset = %q (was %q)", reset.WebhookEndpoint.Secret, endpoint.Secret)
	}
	equal(t, "reset keeps the url", reset.WebhookEndpoint.URL, "https://example.com/hooks/v2")

	deleted, err := org.client.Webhooks.DeleteWebhookEndpoint(ctx, endpoint.ID)
	ok(t, err, "Webhooks.DeleteWebhookEndpoint")
	equal(t, "delete status", deleted.HTTPMeta.Response.StatusCode, http.StatusNoContent)
	_, err = org.client.Webhooks.GetWebhookEndpoint(ctx, endpoint.ID)
	assertNotFound(t, err)
	_, err = org.client.Webhooks.DeleteWebhookEndpoint(ctx, endpoint.ID)
	assertNotFound(t, err)
	_, err = org.client.Webhooks.UpdateWebhookEndpoint(ctx, endpoint.ID, components.WebhookEndpointUpdate{Enabled: polargo.Bool(true)})
	assertNotFound(t, err)
	_, err = org.client.Webhooks.ResetWebhookEndpointSecret(ctx, endpoint.ID)
	assertNotFound(t, err)

	_, err = org.client.Webhooks.CreateWebhookEndpoint(ctx, components.WebhookEndpointCreate{
		URL: "not a url", Format: components.WebhookFormatRaw, Events: customerEvents,
	})
	assertValidation(t, err, "body.url", "url_parsing")
}

func TestWebhookDeliveriesAndRedelivery(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	hooks := newReceiver(t)
	created, err := org.client.Webhooks.CreateWebhookEndpoint(ctx, components.WebhookEndpointCreate{
		URL: hooks.URL + "/polar", Format: components.WebhookFormatRaw, Events: customerEvents,
	})
	ok(t, err, "Webhooks.CreateWebhookEndpoint")
	endpoint := created.WebhookEndpoint

	customer := createIndividual(t, org.client, components.CustomerIndividualCreate{Email: unique("hook") + "@example.com", Name: polargo.String("Hook")})
	_, err = org.client.Customers.Update(ctx, customer.ID, components.CustomerUpdate{Name: polargo.String("Hook Two")})
	ok(t, err, "Customers.Update")
	requests := hooks.wait(t, 2)

	// The payloads decode into the client's own webhook models.
	first := requests[0]
	if !signedBy(first, endpoint.Secret) {
		t.Errorf("webhook-signature %q does not verify with the endpoint's secret", first.header.Get("webhook-signature"))
	}
	var createdPayload components.WebhookCustomerCreatedPayload
	ok(t, json.Unmarshal(first.body, &createdPayload), "decoding customer.created into WebhookCustomerCreatedPayload")
	equal(t, "customer.created data", customerID(createdPayload.Data), customer.ID)
	recent(t, "customer.created timestamp", createdPayload.Timestamp)
	var updatedPayload components.WebhookCustomerUpdatedPayload
	ok(t, json.Unmarshal(requests[1].body, &updatedPayload), "decoding customer.updated into WebhookCustomerUpdatedPayload")
	equal(t, "customer.updated name", str(updatedPayload.Data.CustomerIndividual.Name), "Hook Two")

	// The delivery log, through the client.
	list := func(req operations.WebhooksListWebhookDeliveriesRequest) []components.WebhookDelivery {
		t.Helper()
		req.EndpointID = polargo.Pointer(operations.CreateEndpointIDStr(endpoint.ID))
		res, err := org.client.Webhooks.ListWebhookDeliveries(ctx, req)
		ok(t, err, "Webhooks.ListWebhookDeliveries")
		checkShape(t, res.HTTPMeta, res.ListResourceWebhookDelivery)
		return res.ListResourceWebhookDelivery.Items
	}
	deliveries := list(operations.WebhooksListWebhookDeliveriesRequest{})
	if len(deliveries) != 2 {
		t.Fatalf("deliveries = %d, want 2", len(deliveries))
	}
	// Newest first.
	newest, oldest := deliveries[0], deliveries[1]
	equal(t, "newest type", newest.WebhookEvent.Type, components.WebhookEventTypeCustomerUpdated)
	equal(t, "oldest type", oldest.WebhookEvent.Type, components.WebhookEventTypeCustomerCreated)
	if !uuid4.MatchString(oldest.ID) || !uuid4.MatchString(oldest.WebhookEvent.ID) {
		t.Errorf("delivery id %q, event id %q", oldest.ID, oldest.WebhookEvent.ID)
	}
	equal(t, "succeeded", oldest.Succeeded, true)
	equal(t, "http_code", i64(oldest.HTTPCode), "200")
	equal(t, "event succeeded", oldest.WebhookEvent.Succeeded != nil && *oldest.WebhookEvent.Succeeded, true)
	equal(t, "event last_http_code", i64(oldest.WebhookEvent.LastHTTPCode), "200")
	equal(t, "event skipped", oldest.WebhookEvent.Skipped, false)
	equal(t, "event is_archived", oldest.WebhookEvent.IsArchived, false)
	equal(t, "payload = the bytes sent", str(oldest.WebhookEvent.Payload), string(first.body))
	equal(t, "webhook-id = the event id", first.header.Get("webhook-id"), oldest.WebhookEvent.ID)

	equal(t, "event_type filter", len(list(operations.WebhooksListWebhookDeliveriesRequest{
		EventType: polargo.Pointer(operations.CreateEventTypeWebhookEventType(components.WebhookEventTypeCustomerCreated)),
	})), 1)
	equal(t, "succeeded filter", len(list(operations.WebhooksListWebhookDeliveriesRequest{Succeeded: polargo.Bool(false)})), 0)
	equal(t, "http_code_class filter", len(list(operations.WebhooksListWebhookDeliveriesRequest{HTTPCodeClass: operations.HTTPCodeClassTwoxx.ToPointer()})), 2)
	equal(t, "start_timestamp filter", len(list(operations.WebhooksListWebhookDeliveriesRequest{StartTimestamp: polargo.Pointer(time.Now().Add(time.Hour))})), 0)
	equal(t, "query filter", len(list(operations.WebhooksListWebhookDeliveriesRequest{Query: polargo.String(oldest.WebhookEvent.ID)})), 1)
	page, err := org.client.Webhooks.ListWebhookDeliveries(ctx, operations.WebhooksListWebhookDeliveriesRequest{Limit: polargo.Int64(1)})
	ok(t, err, "Webhooks.ListWebhookDeliveries limit 1")
	deepEqual(t, "pagination", page.ListResourceWebhookDelivery.Pagination, components.Pagination{TotalCount: 2, MaxPage: 2})

	redelivered, err := org.client.Webhooks.RedeliverWebhookEvent(ctx, oldest.WebhookEvent.ID)
	ok(t, err, "Webhooks.RedeliverWebhookEvent")
	equal(t, "redeliver status", redelivered.HTTPMeta.Response.StatusCode, http.StatusAccepted)
	again := hooks.wait(t, 3)[2]
	equal(t, "redelivery webhook-id", again.header.Get("webhook-id"), first.header.Get("webhook-id"))
	equal(t, "redelivery body", string(again.body), string(first.body))
	if !signedBy(again, endpoint.Secret) {
		t.Error("the redelivery's signature does not verify")
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(list(operations.WebhooksListWebhookDeliveriesRequest{})) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	equal(t, "deliveries after redelivery", len(list(operations.WebhooksListWebhookDeliveriesRequest{
		EventType: polargo.Pointer(operations.CreateEventTypeWebhookEventType(components.WebhookEventTypeCustomerCreated)),
	})), 2)

	_, err = org.client.Webhooks.RedeliverWebhookEvent(ctx, "00000000-0000-4000-8000-000000000000")
	assertNotFound(t, err)
}

// waitForTypes returns the requests received once one of each type in want has arrived (or after
// 10 s, failing for each type still missing).
func (r *receiver) waitForTypes(t *testing.T, want map[string]bool) []received {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	seen := map[string]int{}
	var requests []received
	for time.Now().Before(deadline) {
		r.mu.Lock()
		requests = append([]received(nil), r.requests...)
		r.mu.Unlock()
		seen = map[string]int{}
		for _, request := range requests {
			seen[webhookType(request)]++
		}
		missing := false
		for typ := range want {
			if seen[typ] == 0 {
				missing = true
			}
		}
		if !missing {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for typ := range want {
		if seen[typ] == 0 {
			t.Errorf("no %s webhook arrived (seen %v)", typ, seen)
		}
	}
	return requests
}

func webhookType(request received) string {
	var envelope struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(request.body, &envelope)
	return envelope.Type
}

// decodeWebhooks decodes each request into the client's payload model for its type (a type
// without one is an error: the endpoint was subscribed to those types only), with the same key
// check as the API answers, and checks its signature.
func decodeWebhooks(t *testing.T, requests []received, models map[string]func() any, secret string) {
	t.Helper()
	for _, request := range requests {
		typ := webhookType(request)
		model, known := models[typ]
		if !known {
			t.Errorf("an endpoint subscribed to other types got a %s event: %s", typ, request.body)
			continue
		}
		decoded := model()
		if err := json.Unmarshal(request.body, decoded); err != nil {
			t.Errorf("%s does not decode into %T: %v\n%s", typ, decoded, err, request.body)
			continue
		}
		var missing []string
		walkShape(reflect.ValueOf(decoded), json.RawMessage(request.body), "$", &missing)
		for _, path := range missing {
			t.Errorf("%s webhook: key %s missing", typ, path)
		}
		if !signedBy(request, secret) {
			t.Errorf("%s webhook: the signature does not verify", typ)
		}
	}
}

// payloadModels are the client's payload models for the events a subscription's life sends.
var payloadModels = map[string]func() any{
	"product.created":        func() any { return &components.WebhookProductCreatedPayload{} },
	"product.updated":        func() any { return &components.WebhookProductUpdatedPayload{} },
	"benefit.created":        func() any { return &components.WebhookBenefitCreatedPayload{} },
	"benefit.updated":        func() any { return &components.WebhookBenefitUpdatedPayload{} },
	"customer.created":       func() any { return &components.WebhookCustomerCreatedPayload{} },
	"customer.updated":       func() any { return &components.WebhookCustomerUpdatedPayload{} },
	"customer.deleted":       func() any { return &components.WebhookCustomerDeletedPayload{} },
	"customer.state_changed": func() any { return &components.WebhookCustomerStateChangedPayload{} },
	"subscription.created":   func() any { return &components.WebhookSubscriptionCreatedPayload{} },
	"subscription.active":    func() any { return &components.WebhookSubscriptionActivePayload{} },
	"subscription.updated":   func() any { return &components.WebhookSubscriptionUpdatedPayload{} },
	"subscription.canceled":  func() any { return &components.WebhookSubscriptionCanceledPayload{} },
	"subscription.uncanceled": func() any {
		return &components.WebhookSubscriptionUncanceledPayload{}
	},
	"subscription.revoked":  func() any { return &components.WebhookSubscriptionRevokedPayload{} },
	"subscription.past_due": func() any { return &components.WebhookSubscriptionPastDuePayload{} },
	"benefit_grant.created": func() any { return &components.WebhookBenefitGrantCreatedPayload{} },
	"benefit_grant.updated": func() any { return &components.WebhookBenefitGrantUpdatedPayload{} },
	"benefit_grant.revoked": func() any { return &components.WebhookBenefitGrantRevokedPayload{} },
}

// TestWebhookPayloadsDecodeIntoTheClientsModels follows a customer from sign-up to a revoked
// subscription with an endpoint subscribed to every type v0.16.0 models for that life, and decodes
// each request into the client's payload model, with the same key check as the API answers.
func TestWebhookPayloadsDecodeIntoTheClientsModels(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	hooks := newReceiver(t)
	var events []components.WebhookEventType
	for typ := range payloadModels {
		events = append(events, components.WebhookEventType(typ))
	}
	created, err := s.client.Webhooks.CreateWebhookEndpoint(ctx, components.WebhookEndpointCreate{
		URL: hooks.URL, Format: components.WebhookFormatRaw, Events: events,
	})
	ok(t, err, "Webhooks.CreateWebhookEndpoint")
	deepEqual(t, "events read back", len(created.WebhookEndpoint.Events), len(payloadModels))

	// What happens: a product, a benefit, a customer who subscribes, cancels, comes back, is
	// revoked, and is deleted.
	flag := createBenefit(t, s.tenant, components.CreateBenefitCreateFeatureFlag(components.BenefitFeatureFlagCreate{Description: "Beta"}))
	product := monthly(t, s.tenant, "Basic", 900)
	_, err = s.client.Products.UpdateBenefits(ctx, product.ID, components.ProductBenefitsUpdate{Benefits: []string{benefitID(*flag)}})
	ok(t, err, "Products.UpdateBenefits")
	customer := createIndividual(t, s.client, components.CustomerIndividualCreate{Email: unique("life") + "@example.com"})
	var started struct {
		Subscription struct {
			ID string `json:"id"`
		} `json:"subscription"`
	}
	control(t, "POST", "/_emulator/subscriptions", map[string]any{"customer_id": customer.ID, "product_id": product.ID}, http.StatusCreated, &started)
	id := started.Subscription.ID
	_, err = s.client.Subscriptions.Update(ctx, id, components.CreateSubscriptionUpdateSubscriptionCancel(components.SubscriptionCancel{CancelAtPeriodEnd: true}))
	ok(t, err, "cancel")
	_, err = s.client.Subscriptions.Update(ctx, id, components.CreateSubscriptionUpdateSubscriptionCancel(components.SubscriptionCancel{CancelAtPeriodEnd: false}))
	ok(t, err, "uncancel")
	control(t, "POST", "/_emulator/subscriptions/"+id+"/past_due", nil, http.StatusOK, nil)
	control(t, "POST", "/_emulator/subscriptions/"+id+"/recover", nil, http.StatusOK, nil)
	_, err = s.client.Subscriptions.Revoke(ctx, id)
	ok(t, err, "Subscriptions.Revoke")
	_, err = s.client.Customers.Delete(ctx, customer.ID, nil)
	ok(t, err, "Customers.Delete")

	// What that life sends (no benefit.updated, benefit_grant.updated or customer.updated).
	want := map[string]bool{}
	for typ := range payloadModels {
		want[typ] = true
	}
	delete(want, "benefit.updated")
	delete(want, "benefit_grant.updated")
	delete(want, "customer.updated")
	requests := hooks.waitForTypes(t, want)
	decodeWebhooks(t, requests, payloadModels, created.WebhookEndpoint.Secret)

	// Spot checks on the decoded values.
	for _, request := range requests {
		var envelope struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(request.body, &envelope)
		switch envelope.Type {
		case "subscription.revoked":
			var payload components.WebhookSubscriptionRevokedPayload
			ok(t, json.Unmarshal(request.body, &payload), "subscription.revoked")
			equal(t, "revoked subscription", payload.Data.ID, id)
			equal(t, "revoked status", payload.Data.Status, components.SubscriptionStatusCanceled)
		case "benefit_grant.created":
			var payload components.WebhookBenefitGrantCreatedPayload
			ok(t, json.Unmarshal(request.body, &payload), "benefit_grant.created")
			grant := payload.Data.BenefitGrantFeatureFlagWebhook
			if grant == nil {
				t.Errorf("benefit_grant.created decoded as %s, want the feature flag grant", payload.Data.Type)
			} else {
				equal(t, "grant customer", grant.CustomerID, customer.ID)
				equal(t, "grant subscription", str(grant.SubscriptionID), id)
			}
		case "customer.deleted":
			var payload components.WebhookCustomerDeletedPayload
			ok(t, json.Unmarshal(request.body, &payload), "customer.deleted")
			equal(t, "deleted customer", customerID(payload.Data), customer.ID)
			if payload.Data.CustomerIndividual == nil || payload.Data.CustomerIndividual.DeletedAt == nil {
				t.Error("customer.deleted: deleted_at is null")
			}
		}
	}
}

// TestWebhooksOfTheNewerOperations decodes what the operations added since the first version of
// this suite send (an organization's update, members made and deleted with their customer, a
// subscription created through the API, a product's and a benefit's update, a benefit's
// deletion) into the client's payload models.
func TestWebhooksOfTheNewerOperations(t *testing.T) {
	t.Parallel()
	org := newMemberTenant(t)
	hooks := newReceiver(t)
	models := map[string]func() any{
		"organization.updated":  func() any { return &components.WebhookOrganizationUpdatedPayload{} },
		"member.created":        func() any { return &components.WebhookMemberCreatedPayload{} },
		"member.deleted":        func() any { return &components.WebhookMemberDeletedPayload{} },
		"product.updated":       func() any { return &components.WebhookProductUpdatedPayload{} },
		"benefit.updated":       func() any { return &components.WebhookBenefitUpdatedPayload{} },
		"subscription.created":  func() any { return &components.WebhookSubscriptionCreatedPayload{} },
		"benefit_grant.created": func() any { return &components.WebhookBenefitGrantCreatedPayload{} },
		"benefit_grant.updated": func() any { return &components.WebhookBenefitGrantUpdatedPayload{} },
		"benefit_grant.revoked": func() any { return &components.WebhookBenefitGrantRevokedPayload{} },
	}
	var events []components.WebhookEventType
	want := map[string]bool{}
	for typ := range models {
		events = append(events, components.WebhookEventType(typ))
		want[typ] = true
	}
	endpoint, err := org.client.Webhooks.CreateWebhookEndpoint(ctx, components.WebhookEndpointCreate{URL: hooks.URL, Format: components.WebhookFormatRaw, Events: events})
	ok(t, err, "Webhooks.CreateWebhookEndpoint")

	_, err = org.client.Organizations.Update(ctx, org.id, components.OrganizationUpdate{Name: polargo.String("Hooked Shop")})
	ok(t, err, "Organizations.Update")
	license := createBenefit(t, org, components.CreateBenefitCreateLicenseKeys(components.BenefitLicenseKeysCreate{
		Description: "License key", Properties: components.BenefitLicenseKeysCreateProperties{Prefix: polargo.String("ACME")},
	}))
	free := monthly(t, org, "Free", 0)
	_, err = org.client.Products.UpdateBenefits(ctx, free.ID, components.ProductBenefitsUpdate{Benefits: []string{benefitID(*license)}})
	ok(t, err, "Products.UpdateBenefits")
	_, err = org.client.Products.Update(ctx, free.ID, components.ProductUpdate{Name: polargo.String("Free plan")})
	ok(t, err, "Products.Update")
	created, err := org.client.Customers.Create(ctx, components.CreateCustomerCreateCustomerTeamCreate(components.CustomerTeamCreate{
		Name: polargo.String("Crew"), Owner: &components.MemberOwnerCreate{Email: unique("boss") + "@example.com"},
	}))
	ok(t, err, "Customers.Create team")
	team := customerID(*created.Customer)
	sub, err := org.client.Subscriptions.Create(ctx, operations.CreateSubscriptionsCreateSubscriptionCreateSubscriptionCreateCustomer(components.SubscriptionCreateCustomer{
		ProductID: free.ID, CustomerID: team,
	}))
	ok(t, err, "Subscriptions.Create")
	// A new usage limit reaches the grant (the license keys strategy's requires_update).
	_, err = org.client.Benefits.Update(ctx, benefitID(*license), operations.CreateBenefitsUpdateBenefitUpdateBenefitLicenseKeysUpdate(components.BenefitLicenseKeysUpdate{
		Properties: &components.BenefitLicenseKeysCreateProperties{Prefix: polargo.String("ACME"), LimitUsage: polargo.Int64(10)},
	}))
	ok(t, err, "Benefits.Update")
	_, err = org.client.Benefits.Delete(ctx, benefitID(*license))
	ok(t, err, "Benefits.Delete")
	_, err = org.client.Customers.Delete(ctx, team, nil)
	ok(t, err, "Customers.Delete")

	requests := hooks.waitForTypes(t, want)
	decodeWebhooks(t, requests, models, endpoint.WebhookEndpoint.Secret)
	for _, request := range requests {
		switch webhookType(request) {
		case "organization.updated":
			var payload components.WebhookOrganizationUpdatedPayload
			ok(t, json.Unmarshal(request.body, &payload), "organization.updated")
			equal(t, "organization.updated name", payload.Data.Name, "Hooked Shop")
		case "member.created", "member.deleted":
			var payload components.WebhookMemberCreatedPayload
			if webhookType(request) == "member.created" {
				ok(t, json.Unmarshal(request.body, &payload), "member.created")
			} else {
				var deleted components.WebhookMemberDeletedPayload
				ok(t, json.Unmarshal(request.body, &deleted), "member.deleted")
				payload.Data = deleted.Data
			}
			equal(t, webhookType(request)+" customer", payload.Data.CustomerID, team)
			equal(t, webhookType(request)+" role", payload.Data.Role, components.MemberRoleOwner)
		case "subscription.created":
			var payload components.WebhookSubscriptionCreatedPayload
			ok(t, json.Unmarshal(request.body, &payload), "subscription.created")
			equal(t, "subscription.created id", payload.Data.ID, sub.Subscription.ID)
		case "benefit_grant.updated":
			var payload components.WebhookBenefitGrantUpdatedPayload
			ok(t, json.Unmarshal(request.body, &payload), "benefit_grant.updated")
			grant := payload.Data.BenefitGrantLicenseKeysWebhook
			if grant == nil {
				t.Errorf("benefit_grant.updated decoded as %s, want a license keys grant", payload.Data.Type)
			} else {
				equal(t, "updated grant's benefit limit_usage", i64(grant.Benefit.Properties.LimitUsage), "10")
				equal(t, "updated grant's previous_properties", grant.PreviousProperties != nil, true)
			}
		case "benefit_grant.revoked":
			var payload components.WebhookBenefitGrantRevokedPayload
			ok(t, json.Unmarshal(request.body, &payload), "benefit_grant.revoked")
			if grant := payload.Data.BenefitGrantLicenseKeysWebhook; grant == nil || !grant.IsRevoked {
				t.Errorf("benefit_grant.revoked = %+v, want a revoked license keys grant", payload.Data)
			}
		}
	}
}
