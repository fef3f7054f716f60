// Contract test: Polar's official Go client (github.com/polarsource/polar-go v0.16.0, pinned in
// go.mod and go.sum) against the emulator.
//
// Run by test/contract-go.test.ts, which starts an emulator and sets:
//
//	POLAR_EMULATOR_URL    the base URL, e.g. http://127.0.0.1:54321
//	POLAR_EMULATOR_TOKEN  the seeded organization's access token (every scope)
//
// By hand: start the emulator (npm start), then
//
//	POLAR_EMULATOR_URL=http://127.0.0.1:8000 POLAR_EMULATOR_TOKEN=polar_oat_… go test ./...
//
// The client decodes every response into its typed models and checks the keys it requires, so
// each call that returns without error proves the emulator's bytes load in a Go program. On top
// of that, every decoded response goes through checkShape: each key the client's model declares
// must be present in the JSON, as Polar (pydantic, no exclude_none) always sends them.
//
// Most tests make their own organization through the control plane (/_emulator/organizations),
// so counts, orders and pages are exact; TestSeededOrganization reads the seeded one.
//
// What v0.16.0 itself cannot do (it would fail against Polar too) is left out narrowly, with the
// client's file and line next to it: its enums are closed (webhookeventtype.go:131,
// benefittype.go:47, productprice.go:136, systemevent.go:596), so no test makes an endpoint,
// benefit, price or system event of a type newer than the client; metadata filters are not sent
// (queryparams.go:206); grant properties are read from the JSON (benefitgrant.go:88);
// polargo.WithTimeout is not used (customers.go:80 and :255); Events.List has no Next()
// (events.go:39), so its pages are asked for by number; a few of its models are out of date
// (goneKeys and typedDicts below, eventtypewithstats.go:12 and :16,
// organizationcustomeremailsettings.go:5), each where it is met.
//
// Of the 71 operations the emulator served before seats, v0.16.0 has a method for 60, all called
// here; the 11 seat operations since have one each, called in seats_test.go. It has none for the
// other 11 of the first 71: benefits:files, customers:list_payment_methods and
// customers:list_payment_methods_external, and the eight customers:members:* operations
// (create, get, update, delete, each by id and by external id, under /v1/customers/{id}/members).
// Members beyond the owners are made through the control plane (organizations_test.go).
//
// The customer portal (portal_test.go) is called with a customer session, as its methods take it
// per call: the customer, its session, subscriptions, meters, license keys, downloadables and
// orders. Not its benefit grants (v0.16.0 requires `metadata` in a grant's benefit, which Polar's
// schemas no longer have), its receipts and email update (no methods in v0.16.0).
//
// KNOWN DIFFERENCES from Polar, found by this suite and not asserted here (src/ is not this
// suite's to change; each is in the report that came with it):
//   - subscriptions sorted by `status` come alphabetically, Polar ranks them (trialing before
//     active; server/polar/subscription/repository.py:546), and by `amount` come raw, Polar
//     normalizes to a month (ibid. :574): src/resources/subscriptions/list.ts:86-89;
//   - a customer's `locale` is stored as sent, Polar checks and standardizes it as BCP 47
//     (server/polar/kit/locale.py:7, used by customer/schemas/customer.py:80 and :151);
//   - a downloadables benefit takes file ids that do not exist, Polar answers 422 "File not found."
//     at body.properties.files.N (benefit/strategies/downloadables/service.py:149);
//   - Polar still serves the deprecated member routes POST /v1/members/ and GET, PATCH, DELETE
//     /v1/members/{id} (server/polar/member/endpoints.py:388, :425, :491, :578; deprecated and
//     tagged private, so not in its OpenAPI document) that v0.16.0's Members.CreateMember,
//     GetMember, UpdateMember and DeleteMember call (members.go:336, :597, :1091, :853); the
//     emulator has no such routes (405 {"detail":"Method Not Allowed"} for the POST, 404
//     {"detail":"Not Found"} for the others), so those four methods work against Polar only.
package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	polargo "github.com/polarsource/polar-go"
	"github.com/polarsource/polar-go/models/apierrors"
	"github.com/polarsource/polar-go/models/components"
)

var (
	baseURL string
	token   string
	ctx     = context.Background()
	uuid4   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

func TestMain(m *testing.M) {
	baseURL = os.Getenv("POLAR_EMULATOR_URL")
	token = os.Getenv("POLAR_EMULATOR_TOKEN")
	if baseURL == "" || token == "" {
		fmt.Fprintln(os.Stderr, "POLAR_EMULATOR_URL and POLAR_EMULATOR_TOKEN must be set (see main_test.go)")
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// newClient is how a Go program points the client at the emulator.
func newClient(accessToken string) *polargo.Polar {
	return polargo.New(
		polargo.WithServerURL(baseURL),
		polargo.WithSecurity(accessToken),
		// Not polargo.WithTimeout: v0.16.0's Next() reuses the per-call context that option
		// cancels when the call returns (customers.go:80 and :200, the same in every List), so
		// every second page fails with "context canceled". A timeout on the HTTP client works.
		polargo.WithClient(&http.Client{Timeout: 15 * time.Second}),
	)
}

// tenant is an isolated organization and a client holding its token.
type tenant struct {
	id     string
	token  string
	client *polargo.Polar
}

// newTenant makes an empty organization (control plane) for one test.
func newTenant(t *testing.T) tenant {
	t.Helper()
	return makeTenant(t, map[string]any{"name": "Go " + t.Name()})
}

// newMemberTenant makes an empty organization with Polar's member model on (the organization
// feature `member_model_enabled`, off by default in the emulator): each customer gets its owner.
func newMemberTenant(t *testing.T) tenant {
	t.Helper()
	return makeTenant(t, map[string]any{"name": "Go " + t.Name(), "member_model_enabled": true})
}

func makeTenant(t *testing.T, body map[string]any) tenant {
	t.Helper()
	var created struct {
		Organization struct {
			ID string `json:"id"`
		} `json:"organization"`
		Token string `json:"token"`
	}
	control(t, "POST", "/_emulator/organizations", body, 201, &created)
	if !uuid4.MatchString(created.Organization.ID) || !strings.HasPrefix(created.Token, "polar_oat_") {
		t.Fatalf("unexpected organization: %+v", created)
	}
	return tenant{id: created.Organization.ID, token: created.Token, client: newClient(created.Token)}
}

// control calls the emulator's control plane (plain HTTP, no token) and decodes the answer.
func control(t *testing.T, method, path string, body any, status int, out any) {
	t.Helper()
	var reader io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		reader = bytes.NewReader(encoded)
	}
	req, err := http.NewRequestWithContext(ctx, method, baseURL+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

// ok fails the test at once on an error, saying what was called.
func ok(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %s", what, describe(err))
	}
}

// describe spells out the client's typed errors (their Error() is only JSON).
func describe(err error) string {
	switch e := err.(type) {
	case *apierrors.APIError:
		return fmt.Sprintf("APIError %d %q: %s", e.StatusCode, e.Message, e.Body)
	default:
		return fmt.Sprintf("%T: %v", err, err)
	}
}

// asError checks that err is of the client's type E and returns it.
func asError[E error](t *testing.T, err error) E {
	t.Helper()
	var zero E
	if err == nil {
		t.Fatalf("no error, want %T", zero)
	}
	typed, ok := err.(E)
	if !ok {
		t.Fatalf("error is %s, want %T", describe(err), zero)
	}
	return typed
}

func assertNotFound(t *testing.T, err error) {
	t.Helper()
	e := asError[*apierrors.ResourceNotFound](t, err)
	if e.Detail != "Not found" {
		t.Errorf("ResourceNotFound.Detail = %q, want %q", e.Detail, "Not found")
	}
}

// assertValidation checks a 422 whose first error points at loc (joined with "."), e.g. "body.email".
func assertValidation(t *testing.T, err error, loc string, typ string) {
	t.Helper()
	e := asError[*apierrors.HTTPValidationError](t, err)
	if len(e.Detail) == 0 {
		t.Fatalf("HTTPValidationError without detail")
	}
	var seen []string
	for _, detail := range e.Detail {
		parts := make([]string, 0, len(detail.Loc))
		for _, part := range detail.Loc {
			switch {
			case part.Str != nil:
				parts = append(parts, *part.Str)
			case part.Integer != nil:
				parts = append(parts, fmt.Sprint(*part.Integer))
			}
		}
		where := strings.Join(parts, ".")
		seen = append(seen, where+" "+detail.Type+": "+detail.Msg)
		if where == loc && (typ == "" || detail.Type == typ) {
			return
		}
	}
	t.Errorf("no validation error at %s (%s); got %v", loc, typ, seen)
}

func equal[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func deepEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		// The client's models marshal back to JSON, which reads better than %#v of pointers.
		gotJSON, err1 := json.Marshal(got)
		wantJSON, err2 := json.Marshal(want)
		if err1 == nil && err2 == nil {
			t.Errorf("%s =\n  %s\nwant\n  %s", what, gotJSON, wantJSON)
		} else {
			t.Errorf("%s =\n  %#v\nwant\n  %#v", what, got, want)
		}
	}
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func i64(p *int64) string {
	if p == nil {
		return "<nil>"
	}
	return fmt.Sprint(*p)
}

func recent(t *testing.T, what string, at time.Time) {
	t.Helper()
	now := time.Now()
	if at.Before(now.Add(-5*time.Minute)) || at.After(now.Add(5*time.Second)) {
		t.Errorf("%s = %v, want about now (%v)", what, at, now)
	}
	if _, offset := at.Zone(); offset != 0 {
		t.Errorf("%s = %v, want UTC", what, at)
	}
}

func unique(label string) string {
	return fmt.Sprintf("%s-%d", label, time.Now().UnixNano())
}

// --------------------------------------------------------------------------------------------
// Shape: every key the client's model declares is in the JSON.
// --------------------------------------------------------------------------------------------

// checkShape reads the body the client decoded (it leaves it in HTTPMeta.Response) and walks the
// decoded value next to the JSON: each json-tagged field of each model the client filled must have
// its key in the object. Polar serializes every field, null or not, so a missing key is a
// difference from Polar.
func checkShape(t *testing.T, meta components.HTTPMetadata, decoded any) {
	t.Helper()
	if meta.Response == nil {
		t.Fatal("no HTTP response in HTTPMeta")
	}
	raw, err := io.ReadAll(meta.Response.Body)
	if err != nil {
		t.Fatal(err)
	}
	meta.Response.Body = io.NopCloser(bytes.NewReader(raw))
	var missing []string
	walkShape(reflect.ValueOf(decoded), json.RawMessage(raw), "$", &missing)
	for _, path := range missing {
		t.Errorf("%s %s: key %s missing from the response", meta.Request.Method, meta.Request.URL.Path, path)
	}
}

// guessedUnions are the client's unions without a discriminator whose members have only optional
// keys: it takes the first member that decodes, whatever the object is. The grant properties
// (benefitgrant.go:88, customerstatebenefitgrant.go:88) always come out as
// BenefitGrantDiscordProperties, so their keys say nothing about the JSON; they are not walked.
var guessedUnions = map[string]bool{"Properties": true, "CustomerStateBenefitGrantProperties": true}

// typedDicts are the client's models of what Polar keeps as a TypedDict, not a pydantic model: the
// metadata of its system events (server/polar/event/system.py, e.g. BenefitGrantMetadata at :118,
// SubscriptionCanceledMetadata at :243, CustomerUpdatedFields at :167) and a license key grant's
// properties (server/polar/benefit/strategies/license_keys/properties.py:23, total=False). A
// NotRequired key is absent from the JSON when there is no value for it, and the client tags
// exactly those keys omitempty (benefitgrantmetadata.go:13, subscriptioncanceledmetadata.go:11,
// benefitgrantlicensekeysproperties.go:10; OrderPaidMetadata at :460, orderpaidmetadata.go:19). Only in these models does omitempty excuse a missing
// key.
var typedDicts = map[string]bool{
	"BenefitGrantMetadata":              true,
	"CustomerUpdatedFields":             true,
	"SubscriptionCanceledMetadata":      true,
	"OrderPaidMetadata":                 true,
	"BenefitGrantLicenseKeysProperties": true,
}

// goneKeys are keys v0.16.0's models declare that Polar no longer sends: feature flags removed from
// OrganizationFeatureSettings (server/polar/organization/schemas.py:171; Polar commit d8824373ce
// "Add script to remove unused feature flags") but still in organizationfeaturesettings.go:15, :21
// and :23.
var goneKeys = map[string]bool{
	"OrganizationFeatureSettings.revops_enabled":   true,
	"OrganizationFeatureSettings.tinybird_read":    true,
	"OrganizationFeatureSettings.tinybird_compare": true,
}

// body is the JSON the client decoded, from HTTPMeta (the client leaves it readable).
func body(t *testing.T, meta components.HTTPMetadata, into any) {
	t.Helper()
	raw, err := io.ReadAll(meta.Response.Body)
	if err != nil {
		t.Fatal(err)
	}
	meta.Response.Body = io.NopCloser(bytes.NewReader(raw))
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
}

var timeType = reflect.TypeOf(time.Time{})

func walkShape(value reflect.Value, raw json.RawMessage, path string, missing *[]string) {
	for value.Kind() == reflect.Pointer || value.Kind() == reflect.Interface {
		if value.IsNil() {
			return
		}
		value = value.Elem()
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return
	}
	switch value.Kind() {
	case reflect.Struct:
		if value.Type() == timeType {
			return
		}
		typ := value.Type()
		if guessedUnions[typ.Name()] {
			return
		}
		// A union: the member the client picked stands for the same JSON.
		for i := 0; i < typ.NumField(); i++ {
			if typ.Field(i).Tag.Get("union") == "member" {
				for j := 0; j < typ.NumField(); j++ {
					field := value.Field(j)
					if typ.Field(j).Tag.Get("union") == "member" && !field.IsNil() {
						walkShape(field, raw, path, missing)
						return
					}
				}
				return
			}
		}
		var object map[string]json.RawMessage
		if json.Unmarshal(raw, &object) != nil {
			return
		}
		for i := 0; i < typ.NumField(); i++ {
			field := typ.Field(i)
			name := strings.Split(field.Tag.Get("json"), ",")[0]
			if name == "" || name == "-" || field.Tag.Get("additionalProperties") == "true" {
				continue
			}
			child, ok := object[name]
			if !ok {
				optional := strings.Contains(field.Tag.Get("json"), ",omitempty")
				if (typedDicts[typ.Name()] && optional) || goneKeys[typ.Name()+"."+name] {
					continue
				}
				*missing = append(*missing, fmt.Sprintf("%s.%s (%s.%s)", path, name, typ.Name(), field.Name))
				continue
			}
			if field.IsExported() {
				walkShape(value.Field(i), child, path+"."+name, missing)
			}
		}
	case reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return
		}
		for i := 0; i < value.Len() && i < len(items); i++ {
			walkShape(value.Index(i), items[i], fmt.Sprintf("%s[%d]", path, i), missing)
		}
	case reflect.Map:
		var object map[string]json.RawMessage
		if json.Unmarshal(raw, &object) != nil {
			return
		}
		for _, key := range value.MapKeys() {
			if child, ok := object[fmt.Sprint(key.Interface())]; ok {
				walkShape(value.MapIndex(key), child, fmt.Sprintf("%s[%q]", path, key.Interface()), missing)
			}
		}
	}
}

// TestCheckShapeSeesAMissingKey keeps checkShape honest: a customer without `locale`, inside the
// Customer union inside a list, must be reported.
func TestCheckShapeSeesAMissingKey(t *testing.T) {
	t.Parallel()
	raw := `{"items":[{"id":"x","created_at":"2026-01-01T00:00:00Z","modified_at":null,"metadata":{},"external_id":null,
		"email":"a@example.com","email_verified":false,"type":"individual","name":null,"billing_address":null,"tax_id":null,
		"organization_id":"o","deleted_at":null,"avatar_url":"u"}],"pagination":{"total_count":1,"max_page":1}}`
	var decoded components.ListResourceCustomer
	if err := json.Unmarshal([]byte(raw), &decoded); err != nil {
		t.Fatal(err)
	}
	var missing []string
	walkShape(reflect.ValueOf(&decoded), json.RawMessage(raw), "$", &missing)
	deepEqual(t, "missing", missing, []string{"$.items[0].locale (CustomerIndividual.Locale)"})

	// In a TypedDict's model only the omitempty keys may be absent: canceled_at may not.
	raw = `{"subscription_id":"s","amount":1,"currency":"usd","recurring_interval":"month","recurring_interval_count":1}`
	var metadata components.SubscriptionCanceledMetadata
	if err := json.Unmarshal([]byte(raw), &metadata); err == nil {
		t.Fatal("the client decoded metadata without canceled_at")
	}
	missing = nil
	walkShape(reflect.ValueOf(&metadata), json.RawMessage(raw), "$", &missing)
	deepEqual(t, "missing from a TypedDict", missing, []string{"$.canceled_at (SubscriptionCanceledMetadata.CanceledAt)"})
}
