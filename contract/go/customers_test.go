package contract

import (
	"crypto/sha256"
	"encoding/csv"
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

func createIndividual(t *testing.T, client *polargo.Polar, body components.CustomerIndividualCreate) *components.CustomerIndividual {
	t.Helper()
	res, err := client.Customers.Create(ctx, components.CreateCustomerCreateCustomerIndividualCreate(body))
	ok(t, err, "Customers.Create")
	checkShape(t, res.HTTPMeta, res.Customer)
	equal(t, "status", res.HTTPMeta.Response.StatusCode, 201)
	equal(t, "union type", res.Customer.Type, components.CustomerUnionTypeIndividual)
	if res.Customer.CustomerIndividual == nil {
		t.Fatalf("Customers.Create: not an individual: %+v", res.Customer)
	}
	return res.Customer.CustomerIndividual
}

func customerID(c components.Customer) string {
	if c.CustomerIndividual != nil {
		return c.CustomerIndividual.ID
	}
	if c.CustomerTeam != nil {
		return c.CustomerTeam.ID
	}
	return ""
}

func customerEmail(c components.Customer) string {
	if c.CustomerIndividual != nil {
		return c.CustomerIndividual.Email
	}
	if c.CustomerTeam != nil {
		return str(c.CustomerTeam.Email)
	}
	return ""
}

func metaStr(s string) components.CustomerIndividualCreateMetadata {
	return components.CreateCustomerIndividualCreateMetadataStr(s)
}

func TestCustomerCreateGetAndGetExternalRoundTrip(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	email := unique("ada") + "@example.com"
	externalID := unique("user")
	customer := createIndividual(t, org.client, components.CustomerIndividualCreate{
		Email:      email,
		ExternalID: polargo.String("  " + externalID + "  "),
		Name:       polargo.String("  Ada Lovelace "),
		BillingAddress: &components.AddressInput{
			Line1:      polargo.String("1 Market St"),
			Line2:      polargo.String(""),
			PostalCode: polargo.String("94105"),
			City:       polargo.String("San Francisco"),
			State:      polargo.String("CA"),
			Country:    components.AddressInputCountryAlpha2InputUs,
		},
		TaxID:  polargo.String("91-1144442"),
		Locale: polargo.String("en-US"),
		Metadata: map[string]components.CustomerIndividualCreateMetadata{
			"plan":  metaStr("pro"),
			"seats": components.CreateCustomerIndividualCreateMetadataInteger(3),
			"ratio": components.CreateCustomerIndividualCreateMetadataNumber(0.5),
			"beta":  components.CreateCustomerIndividualCreateMetadataBoolean(true),
		},
	})

	if !uuid4.MatchString(customer.ID) {
		t.Errorf("id %q is not a UUID4", customer.ID)
	}
	recent(t, "created_at", customer.CreatedAt)
	if customer.ModifiedAt != nil || customer.DeletedAt != nil {
		t.Errorf("modified_at %v, deleted_at %v: want both null", customer.ModifiedAt, customer.DeletedAt)
	}
	equal(t, "email", customer.Email, email)
	equal(t, "email_verified", customer.EmailVerified, false)
	equal(t, "external_id (trimmed)", str(customer.ExternalID), externalID)
	equal(t, "name (trimmed)", str(customer.Name), "Ada Lovelace")
	deepEqual(t, "billing_address", customer.BillingAddress, &components.Address{
		Line1:      polargo.String("1 Market St"),
		PostalCode: polargo.String("94105"),
		City:       polargo.String("San Francisco"),
		State:      polargo.String("US-CA"),
		Country:    components.AddressCountryAlpha2Us,
	})
	if len(customer.TaxID) != 2 || customer.TaxID[0] == nil || customer.TaxID[1] == nil {
		t.Fatalf("tax_id = %+v, want [value, format]", customer.TaxID)
	}
	equal(t, "tax_id[0]", str(customer.TaxID[0].Str), "911144442")
	// The client's union tries a plain string first, so the format also lands in Str.
	equal(t, "tax_id[1]", str(customer.TaxID[1].Str), string(components.TaxIDFormatUsEin))
	equal(t, "locale", str(customer.Locale), "en-US")
	equal(t, "organization_id", customer.OrganizationID, org.id)
	deepEqual(t, "metadata", customer.Metadata, map[string]components.MetadataOutputType{
		"plan":  components.CreateMetadataOutputTypeStr("pro"),
		"seats": components.CreateMetadataOutputTypeInteger(3),
		"ratio": components.CreateMetadataOutputTypeNumber(0.5),
		"beta":  components.CreateMetadataOutputTypeBoolean(true),
	})
	equal(t, "avatar_url", customer.AvatarURL,
		fmt.Sprintf("https://www.gravatar.com/avatar/%x?d=404", sha256.Sum256([]byte(strings.ToLower(email)))))

	got, err := org.client.Customers.Get(ctx, customer.ID)
	ok(t, err, "Customers.Get")
	checkShape(t, got.HTTPMeta, got.Customer)
	deepEqual(t, "Customers.Get", got.Customer.CustomerIndividual, customer)

	byExternal, err := org.client.Customers.GetExternal(ctx, externalID)
	ok(t, err, "Customers.GetExternal")
	checkShape(t, byExternal.HTTPMeta, byExternal.Customer)
	deepEqual(t, "Customers.GetExternal", byExternal.Customer.CustomerIndividual, customer)
}

func TestCustomerCreateATeamWithItsOwner(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	email := unique("billing") + "@example.com"
	res, err := org.client.Customers.Create(ctx, components.CreateCustomerCreateCustomerTeamCreate(components.CustomerTeamCreate{
		Email:          polargo.String(email),
		Name:           polargo.String("Acme Inc."),
		ExternalID:     polargo.String("team-acme"),
		BillingAddress: &components.AddressInput{Country: components.AddressInputCountryAlpha2InputCa, State: polargo.String("ON"), City: polargo.String("Toronto")},
		Owner:          &components.MemberOwnerCreate{Email: unique("olive") + "@example.com", Name: polargo.String("Olive Owner")},
		Metadata:       map[string]components.CustomerTeamCreateMetadata{"tier": components.CreateCustomerTeamCreateMetadataStr("enterprise")},
	}))
	ok(t, err, "Customers.Create (team)")
	checkShape(t, res.HTTPMeta, res.Customer)
	equal(t, "union type", res.Customer.Type, components.CustomerUnionTypeTeam)
	team := res.Customer.CustomerTeam
	if team == nil {
		t.Fatalf("not a team: %+v", res.Customer)
	}
	equal(t, "email", str(team.Email), email)
	equal(t, "name", str(team.Name), "Acme Inc.")
	equal(t, "external_id", str(team.ExternalID), "team-acme")
	deepEqual(t, "billing_address", team.BillingAddress, &components.Address{
		City: polargo.String("Toronto"), State: polargo.String("CA-ON"), Country: components.AddressCountryAlpha2Ca,
	})
	deepEqual(t, "metadata", team.Metadata, map[string]components.MetadataOutputType{"tier": components.CreateMetadataOutputTypeStr("enterprise")})

	state, err := org.client.Customers.GetStateExternal(ctx, "team-acme")
	ok(t, err, "Customers.GetStateExternal (team)")
	checkShape(t, state.HTTPMeta, state.CustomerState)
	equal(t, "state union type", state.CustomerState.Type, components.CustomerStateTypeTeam)
	equal(t, "state id", state.CustomerState.CustomerStateTeam.ID, team.ID)
}

func TestCustomerUpdateAndUpdateExternal(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	customer := createIndividual(t, org.client, components.CustomerIndividualCreate{
		Email:      unique("grace") + "@example.com",
		ExternalID: polargo.String("grace"),
		Name:       polargo.String("Grace"),
		Metadata:   map[string]components.CustomerIndividualCreateMetadata{"plan": metaStr("free"), "keep": metaStr("yes")},
	})

	newEmail := unique("hopper") + "@example.com"
	res, err := org.client.Customers.Update(ctx, customer.ID, components.CustomerUpdate{
		Email:          polargo.String(newEmail),
		Name:           polargo.String("Grace Hopper"),
		BillingAddress: &components.AddressInput{Country: components.AddressInputCountryAlpha2InputFr, City: polargo.String("Paris")},
		Metadata:       map[string]components.CustomerUpdateMetadata{"plan": components.CreateCustomerUpdateMetadataStr("pro")},
	})
	ok(t, err, "Customers.Update")
	checkShape(t, res.HTTPMeta, res.Customer)
	updated := res.Customer.CustomerIndividual
	equal(t, "email", updated.Email, newEmail)
	equal(t, "name", str(updated.Name), "Grace Hopper")
	equal(t, "external_id (unchanged)", str(updated.ExternalID), "grace")
	equal(t, "billing_address.country", string(updated.BillingAddress.Country), "FR")
	equal(t, "billing_address.city", str(updated.BillingAddress.City), "Paris")
	// Metadata is replaced as a whole, as Polar does.
	deepEqual(t, "metadata", updated.Metadata, map[string]components.MetadataOutputType{"plan": components.CreateMetadataOutputTypeStr("pro")})
	if updated.ModifiedAt == nil {
		t.Error("modified_at is null after an update")
	} else {
		recent(t, "modified_at", *updated.ModifiedAt)
	}
	equal(t, "created_at (unchanged)", updated.CreatedAt.Equal(customer.CreatedAt), true)

	ext, err := org.client.Customers.UpdateExternal(ctx, "grace", components.CustomerUpdateExternalID{
		Locale:   polargo.String("fr"),
		TaxID:    polargo.String("FR40303265045"),
		Metadata: map[string]components.CustomerUpdateExternalIDMetadata{"seats": components.CreateCustomerUpdateExternalIDMetadataInteger(7)},
	})
	ok(t, err, "Customers.UpdateExternal")
	checkShape(t, ext.HTTPMeta, ext.Customer)
	byExternal := ext.Customer.CustomerIndividual
	equal(t, "id", byExternal.ID, customer.ID)
	equal(t, "locale", str(byExternal.Locale), "fr")
	equal(t, "name (unchanged)", str(byExternal.Name), "Grace Hopper")
	if len(byExternal.TaxID) != 2 {
		t.Fatalf("tax_id = %+v", byExternal.TaxID)
	}
	equal(t, "tax_id[0]", str(byExternal.TaxID[0].Str), "FR40303265045")
	equal(t, "tax_id[1]", str(byExternal.TaxID[1].Str), "eu_vat")
	deepEqual(t, "metadata", byExternal.Metadata, map[string]components.MetadataOutputType{"seats": components.CreateMetadataOutputTypeInteger(7)})

	// Upgrading an individual to a team (CustomerUpdate.type) is a one-way change Polar allows.
	team, err := org.client.Customers.Update(ctx, customer.ID, components.CustomerUpdate{Type: components.CustomerTypeTeam.ToPointer()})
	ok(t, err, "Customers.Update type=team")
	checkShape(t, team.HTTPMeta, team.Customer)
	equal(t, "union type", team.Customer.Type, components.CustomerUnionTypeTeam)
	equal(t, "team id", team.Customer.CustomerTeam.ID, customer.ID)
}

func TestCustomerDeleteAndDeleteExternal(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	first := createIndividual(t, org.client, components.CustomerIndividualCreate{Email: unique("del") + "@example.com"})
	second := createIndividual(t, org.client, components.CustomerIndividualCreate{Email: unique("del") + "@example.com", ExternalID: polargo.String("gone")})
	third := createIndividual(t, org.client, components.CustomerIndividualCreate{Email: unique("anon") + "@example.com", Name: polargo.String("Anne Onymous")})

	res, err := org.client.Customers.Delete(ctx, first.ID, nil)
	ok(t, err, "Customers.Delete")
	equal(t, "status", res.HTTPMeta.Response.StatusCode, http.StatusNoContent)
	_, err = org.client.Customers.Get(ctx, first.ID)
	assertNotFound(t, err)
	_, err = org.client.Customers.Delete(ctx, first.ID, nil)
	assertNotFound(t, err)

	ext, err := org.client.Customers.DeleteExternal(ctx, "gone", nil)
	ok(t, err, "Customers.DeleteExternal")
	equal(t, "status", ext.HTTPMeta.Response.StatusCode, http.StatusNoContent)
	_, err = org.client.Customers.Get(ctx, second.ID)
	assertNotFound(t, err)
	_, err = org.client.Customers.GetExternal(ctx, "gone")
	assertNotFound(t, err)

	anon, err := org.client.Customers.Delete(ctx, third.ID, polargo.Bool(true))
	ok(t, err, "Customers.Delete anonymize=true")
	equal(t, "status", anon.HTTPMeta.Response.StatusCode, http.StatusNoContent)
	_, err = org.client.Customers.GetState(ctx, third.ID)
	assertNotFound(t, err)

	list, err := org.client.Customers.List(ctx, operations.CustomersListRequest{})
	ok(t, err, "Customers.List")
	equal(t, "customers left", list.ListResourceCustomer.Pagination.TotalCount, 0)
}

// tagged makes five customers in a fresh organization, created in this order.
func tagged(t *testing.T) (tenant, map[string]string) {
	t.Helper()
	org := newTenant(t)
	ids := map[string]string{}
	for _, c := range []struct {
		key, email, name, plan string
		seats                  int64
	}{
		{"alice", "alice@example.com", "Alice Zephyr", "pro", 3},
		{"bob", "bob@example.com", "Bob Young", "team", 10},
		{"carol", "carol@example.com", "Carol Xu", "free", 0},
		{"dave", "dave@sample.org", "", "pro", 5},
		{"erin", "erin@example.com", "Erin Alice", "", 0},
	} {
		body := components.CustomerIndividualCreate{Email: c.email, ExternalID: polargo.String("ext-" + c.key), Metadata: map[string]components.CustomerIndividualCreateMetadata{}}
		if c.name != "" {
			body.Name = polargo.String(c.name)
		}
		if c.plan != "" {
			body.Metadata["plan"] = metaStr(c.plan)
		}
		if c.seats != 0 {
			body.Metadata["seats"] = components.CreateCustomerIndividualCreateMetadataInteger(c.seats)
		}
		ids[c.key] = createIndividual(t, org.client, body).ID
		// The emulator keeps created_at to the millisecond (Polar to the microsecond) and breaks
		// ties by id: keep the five apart so the created_at orders below are exact.
		time.Sleep(2 * time.Millisecond)
	}
	return org, ids
}

func listCustomerIDs(t *testing.T, org tenant, req operations.CustomersListRequest) []string {
	t.Helper()
	res, err := org.client.Customers.List(ctx, req)
	ok(t, err, "Customers.List")
	checkShape(t, res.HTTPMeta, res.ListResourceCustomer)
	out := []string{}
	for _, c := range res.ListResourceCustomer.Items {
		out = append(out, customerID(c))
	}
	return out
}

func pick(ids map[string]string, keys ...string) []string {
	out := []string{}
	for _, key := range keys {
		out = append(out, ids[key])
	}
	return out
}

func TestCustomerListFiltersAndSorts(t *testing.T) {
	t.Parallel()
	org, ids := tagged(t)
	byEmail := []components.CustomerSortProperty{components.CustomerSortPropertyEmail}

	deepEqual(t, "default order (-created_at)", listCustomerIDs(t, org, operations.CustomersListRequest{}), pick(ids, "erin", "dave", "carol", "bob", "alice"))
	deepEqual(t, "email, case-insensitive", listCustomerIDs(t, org, operations.CustomersListRequest{Email: polargo.String("BOB@Example.COM")}), pick(ids, "bob"))
	deepEqual(t, "email, not a substring", listCustomerIDs(t, org, operations.CustomersListRequest{Email: polargo.String("bob@example")}), []string{})
	deepEqual(t, "query on name", listCustomerIDs(t, org, operations.CustomersListRequest{Query: polargo.String("ALICE"), Sorting: byEmail}), pick(ids, "alice", "erin"))
	deepEqual(t, "query on email", listCustomerIDs(t, org, operations.CustomersListRequest{Query: polargo.String("sample.org")}), pick(ids, "dave"))
	deepEqual(t, "query on external_id", listCustomerIDs(t, org, operations.CustomersListRequest{Query: polargo.String("ext-b")}), pick(ids, "bob"))
	// No metadata filter: v0.16.0 writes a MetadataQuery union into the query string with %v
	// (internal/utils/queryparams.go:206 → utils.go:237), e.g. metadata[plan]={0xc000… <nil> … str},
	// so it matches nothing on Polar either.
	deepEqual(t, "organization_id", listCustomerIDs(t, org, operations.CustomersListRequest{
		OrganizationID: polargo.Pointer(operations.CreateCustomersListQueryParamOrganizationIDFilterStr(org.id)), Sorting: byEmail,
	}), pick(ids, "alice", "bob", "carol", "dave", "erin"))
	deepEqual(t, "another organization_id", listCustomerIDs(t, org, operations.CustomersListRequest{
		OrganizationID: polargo.Pointer(operations.CreateCustomersListQueryParamOrganizationIDFilterStr("00000000-0000-4000-8000-000000000000")),
	}), []string{})

	for _, tc := range []struct {
		sort components.CustomerSortProperty
		want []string
	}{
		{components.CustomerSortPropertyCreatedAt, []string{"alice", "bob", "carol", "dave", "erin"}},
		{components.CustomerSortPropertyMinusEmail, []string{"erin", "dave", "carol", "bob", "alice"}},
		// Postgres puts nulls last ascending and first descending: dave has no name.
		{components.CustomerSortPropertyName, []string{"alice", "bob", "carol", "erin", "dave"}},
		{components.CustomerSortPropertyMinusName, []string{"dave", "erin", "carol", "bob", "alice"}},
	} {
		got := listCustomerIDs(t, org, operations.CustomersListRequest{Sorting: []components.CustomerSortProperty{tc.sort}})
		deepEqual(t, "sorting "+string(tc.sort), got, pick(ids, tc.want...))
	}
}

func TestCustomerListPagesWithNext(t *testing.T) {
	t.Parallel()
	org, ids := tagged(t)
	req := operations.CustomersListRequest{Limit: polargo.Int64(2), Sorting: []components.CustomerSortProperty{components.CustomerSortPropertyEmail}}

	res, err := org.client.Customers.List(ctx, req)
	ok(t, err, "Customers.List page 1")
	var seen []string
	pages := 0
	for res != nil {
		pages++
		checkShape(t, res.HTTPMeta, res.ListResourceCustomer)
		deepEqual(t, "pagination", res.ListResourceCustomer.Pagination, components.Pagination{TotalCount: 5, MaxPage: 3})
		for _, c := range res.ListResourceCustomer.Items {
			seen = append(seen, customerID(c))
		}
		res, err = res.Next()
		ok(t, err, "Next()")
	}
	equal(t, "pages", pages, 3)
	deepEqual(t, "every customer once, by email", seen, pick(ids, "alice", "bob", "carol", "dave", "erin"))

	past, err := org.client.Customers.List(ctx, operations.CustomersListRequest{Page: polargo.Int64(9), Limit: polargo.Int64(2)})
	ok(t, err, "Customers.List page 9")
	equal(t, "items past the end", len(past.ListResourceCustomer.Items), 0)
	deepEqual(t, "pagination past the end", past.ListResourceCustomer.Pagination, components.Pagination{TotalCount: 5, MaxPage: 3})
}

func TestCustomerExportIsCSV(t *testing.T) {
	t.Parallel()
	org, ids := tagged(t)
	res, err := org.client.Customers.Export(ctx, nil)
	ok(t, err, "Customers.Export")
	equal(t, "content type", strings.Split(res.HTTPMeta.Response.Header.Get("Content-Type"), ";")[0], "text/csv")
	if res.Res == nil {
		t.Fatalf("Customers.Export: no CSV text (Any = %v)", res.Any)
	}
	rows, err := csv.NewReader(strings.NewReader(*res.Res)).ReadAll()
	ok(t, err, "parsing the CSV")
	deepEqual(t, "header", rows[0], []string{
		"ID", "External ID", "Created At", "Email", "Name", "Tax ID", "Billing Address Line 1", "Billing Address Line 2",
		"Billing Address City", "Billing Address State", "Billing Address Zip", "Billing Address Country", "Metadata",
	})
	var exported []string
	for _, row := range rows[1:] {
		exported = append(exported, row[0])
		if row[0] == ids["bob"] {
			equal(t, "bob's email", row[3], "bob@example.com")
			equal(t, "bob's external id", row[1], "ext-bob")
			equal(t, "bob's name", row[4], "Bob Young")
		}
	}
	sort.Strings(exported)
	want := pick(ids, "alice", "bob", "carol", "dave", "erin")
	sort.Strings(want)
	deepEqual(t, "exported ids", exported, want)
}

func TestCustomerErrors(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	email := unique("taken") + "@example.com"
	createIndividual(t, org.client, components.CustomerIndividualCreate{Email: email, ExternalID: polargo.String("taken")})

	_, err := org.client.Customers.Get(ctx, "0b6d1d67-3a57-4f2a-9f0e-1c4d3b2a1f00")
	assertNotFound(t, err)
	_, err = org.client.Customers.GetExternal(ctx, "nobody")
	assertNotFound(t, err)
	_, err = org.client.Customers.GetState(ctx, "0b6d1d67-3a57-4f2a-9f0e-1c4d3b2a1f00")
	assertNotFound(t, err)
	_, err = org.client.Customers.GetStateExternal(ctx, "nobody")
	assertNotFound(t, err)
	_, err = org.client.Customers.Update(ctx, "0b6d1d67-3a57-4f2a-9f0e-1c4d3b2a1f00", components.CustomerUpdate{Name: polargo.String("x")})
	assertNotFound(t, err)
	_, err = org.client.Customers.UpdateExternal(ctx, "nobody", components.CustomerUpdateExternalID{Name: polargo.String("x")})
	assertNotFound(t, err)
	_, err = org.client.Customers.DeleteExternal(ctx, "nobody", nil)
	assertNotFound(t, err)

	_, err = org.client.Customers.Get(ctx, "not-a-uuid")
	assertValidation(t, err, "path.id", "uuid_parsing")
	_, err = org.client.Customers.Create(ctx, components.CreateCustomerCreateCustomerIndividualCreate(components.CustomerIndividualCreate{Email: "not an email"}))
	assertValidation(t, err, "body.individual.email", "value_error")
	_, err = org.client.Customers.Create(ctx, components.CreateCustomerCreateCustomerIndividualCreate(components.CustomerIndividualCreate{Email: strings.ToUpper(email)}))
	assertValidation(t, err, "body.email", "value_error")
	_, err = org.client.Customers.Update(ctx, customerIDOf(t, org, "taken"), components.CustomerUpdate{Email: polargo.String("nope")})
	assertValidation(t, err, "body.email", "value_error")
	_, err = org.client.Customers.UpdateExternal(ctx, "taken", components.CustomerUpdateExternalID{
		BillingAddress: &components.AddressInput{Country: components.AddressInputCountryAlpha2InputUs, State: polargo.String("ZZ")},
	})
	assertValidation(t, err, "body.billing_address", "value_error")
	_, err = org.client.Customers.List(ctx, operations.CustomersListRequest{Limit: polargo.Int64(0)})
	assertValidation(t, err, "query.limit", "greater_than")
}

func customerIDOf(t *testing.T, org tenant, externalID string) string {
	t.Helper()
	res, err := org.client.Customers.GetExternal(ctx, externalID)
	ok(t, err, "Customers.GetExternal")
	return customerID(*res.Customer)
}

func TestAnUnknownTokenIsRefused(t *testing.T) {
	t.Parallel()
	client := newClient("polar_oat_" + strings.Repeat("0", 43))
	_, err := client.Customers.List(ctx, operations.CustomersListRequest{})
	e := asError[*apierrors.APIError](t, err)
	equal(t, "status", e.StatusCode, http.StatusUnauthorized)
	equal(t, "body", e.Body, `{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed, or invalid for other reasons."}`)
}
