package contract

import (
	"net/http"
	"strings"
	"testing"
	"time"

	polargo "github.com/polarsource/polar-go"
	"github.com/polarsource/polar-go/models/apierrors"
	"github.com/polarsource/polar-go/models/components"
	"github.com/polarsource/polar-go/models/operations"
)

// --------------------------------------------------------------------------------------------
// Organizations
// --------------------------------------------------------------------------------------------

func TestOrganizationGetAndList(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	other := newTenant(t)

	res, err := org.client.Organizations.Get(ctx, org.id)
	ok(t, err, "Organizations.Get")
	checkShape(t, res.HTTPMeta, res.Organization)
	o := res.Organization
	equal(t, "id", o.ID, org.id)
	equal(t, "name", o.Name, "Go "+t.Name())
	if o.Slug == "" {
		t.Error("slug is empty")
	}
	recent(t, "created_at", o.CreatedAt)
	equal(t, "modified_at", o.ModifiedAt == nil, true)
	equal(t, "status", o.Status, components.OrganizationStatusActive)
	equal(t, "default_presentment_currency", o.DefaultPresentmentCurrency, "usd")
	equal(t, "default_tax_behavior", o.DefaultTaxBehavior, components.TaxBehaviorOptionLocation)
	equal(t, "proration_behavior", o.ProrationBehavior, components.SubscriptionProrationBehaviorProrate)
	equal(t, "allow_customer_updates", o.AllowCustomerUpdates, true)
	deepEqual(t, "subscription_settings", o.SubscriptionSettings, components.OrganizationSubscriptionSettings{
		AllowMultipleSubscriptions: false, AllowCustomerUpdates: true, ProrationBehavior: components.SubscriptionProrationBehaviorProrate,
		BenefitRevocationGracePeriod: 0, PreventTrialAbuse: false,
	})
	deepEqual(t, "customer_portal_settings", o.CustomerPortalSettings, components.OrganizationCustomerPortalSettings{
		Usage: components.CustomerPortalUsageSettings{Show: true}, Subscription: components.CustomerPortalSubscriptionSettings{UpdateSeats: true, UpdatePlan: true},
	})
	deepEqual(t, "notification_settings", o.NotificationSettings, components.OrganizationNotificationSettings{NewOrder: true, NewSubscription: true})
	if o.FeatureSettings == nil || o.FeatureSettings.MemberModelEnabled == nil {
		t.Error("feature_settings.member_model_enabled is missing")
	} else {
		equal(t, "member_model_enabled", *o.FeatureSettings.MemberModelEnabled, false)
	}
	equal(t, "socials", len(o.Socials), 0)

	// An organization token lists its own organization only.
	list, err := org.client.Organizations.List(ctx, nil, nil, nil, nil)
	ok(t, err, "Organizations.List")
	checkShape(t, list.HTTPMeta, list.ListResourceOrganization)
	deepEqual(t, "pagination", list.ListResourceOrganization.Pagination, components.Pagination{TotalCount: 1, MaxPage: 1})
	if len(list.ListResourceOrganization.Items) == 1 {
		deepEqual(t, "listed", &list.ListResourceOrganization.Items[0], o)
	}
	next, err := list.Next()
	ok(t, err, "Organizations.List Next()")
	equal(t, "no second page", next == nil, true)
	bySlug, err := org.client.Organizations.List(ctx, polargo.String(strings.ToUpper(o.Slug)), polargo.Int64(1), polargo.Int64(5),
		[]components.OrganizationSortProperty{components.OrganizationSortPropertyMinusDaysInStatus})
	ok(t, err, "Organizations.List slug")
	equal(t, "by slug, any case", len(bySlug.ListResourceOrganization.Items), 1)
	none, err := org.client.Organizations.List(ctx, polargo.String("acme"), nil, nil, nil)
	ok(t, err, "Organizations.List another slug")
	equal(t, "another slug", none.ListResourceOrganization.Pagination.TotalCount, 0)

	for _, id := range []string{other.id, "00000000-0000-4000-8000-000000000000"} {
		_, err = org.client.Organizations.Get(ctx, id)
		assertNotFound(t, err)
	}
	_, err = org.client.Organizations.Get(ctx, "nope")
	assertValidation(t, err, "path.id", "uuid_parsing")
}

func TestOrganizationUpdate(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	other := newTenant(t)

	res, err := org.client.Organizations.Update(ctx, org.id, components.OrganizationUpdate{
		Name:    polargo.String("Renamed Shop"),
		Email:   polargo.String("Support@Example.COM"),
		Website: polargo.String("https://Example.com"),
		Socials: []components.OrganizationSocialLink{
			{Platform: components.OrganizationSocialPlatformsX, URL: "https://www.GitHub.com/Acme"},
			{Platform: components.OrganizationSocialPlatformsYoutube, URL: "https://acme.example/blog"},
		},
		Country: components.CountryCountryAlpha2InputFr.ToPointer(),
		SubscriptionSettings: &components.OrganizationSubscriptionSettings{
			AllowMultipleSubscriptions: true, AllowCustomerUpdates: false, ProrationBehavior: components.SubscriptionProrationBehaviorInvoice,
			BenefitRevocationGracePeriod: 3, PreventTrialAbuse: true,
		},
		CustomerPortalSettings: &components.OrganizationCustomerPortalSettings{
			Usage: components.CustomerPortalUsageSettings{Show: false}, Subscription: components.CustomerPortalSubscriptionSettings{UpdateSeats: false, UpdatePlan: false},
		},
		DefaultTaxBehavior: components.TaxBehaviorOptionInclusive.ToPointer(),
	})
	ok(t, err, "Organizations.Update")
	checkShape(t, res.HTTPMeta, res.Organization)
	o := res.Organization
	equal(t, "name", o.Name, "Renamed Shop")
	// As pydantic hands them on: the email's domain lowercased, the URL normalized, each social
	// link's platform taken from its host (OrganizationSocialLink, organization/schemas.py:377).
	equal(t, "email", str(o.Email), "Support@example.com")
	equal(t, "website", str(o.Website), "https://example.com/")
	deepEqual(t, "socials", o.Socials, []components.OrganizationSocialLink{
		{Platform: components.OrganizationSocialPlatformsGithub, URL: "https://www.github.com/Acme"},
		{Platform: components.OrganizationSocialPlatformsOther, URL: "https://acme.example/blog"},
	})
	if o.Country == nil {
		t.Error("country is null")
	} else {
		equal(t, "country", *o.Country, components.CountryAlpha2Fr)
	}
	equal(t, "proration_behavior (from the subscription settings)", o.ProrationBehavior, components.SubscriptionProrationBehaviorInvoice)
	equal(t, "allow_customer_updates (from the subscription settings)", o.AllowCustomerUpdates, false)
	deepEqual(t, "subscription_settings", o.SubscriptionSettings, components.OrganizationSubscriptionSettings{
		AllowMultipleSubscriptions: true, AllowCustomerUpdates: false, ProrationBehavior: components.SubscriptionProrationBehaviorInvoice,
		BenefitRevocationGracePeriod: 3, PreventTrialAbuse: true,
	})
	equal(t, "usage shown", o.CustomerPortalSettings.Usage.Show, false)
	equal(t, "default_tax_behavior", o.DefaultTaxBehavior, components.TaxBehaviorOptionInclusive)
	if o.ModifiedAt == nil {
		t.Error("modified_at is null after an update")
	} else {
		recent(t, "modified_at", *o.ModifiedAt)
	}
	got, err := org.client.Organizations.Get(ctx, org.id)
	ok(t, err, "Organizations.Get")
	deepEqual(t, "Organizations.Get after the update", got.Organization, o)

	// Another organization's id is not found, whatever the body.
	_, err = org.client.Organizations.Update(ctx, other.id, components.OrganizationUpdate{Name: polargo.String("Mine")})
	assertNotFound(t, err)
	_, err = org.client.Organizations.Update(ctx, org.id, components.OrganizationUpdate{Email: polargo.String("not-an-email")})
	assertValidation(t, err, "body.email", "value_error")
	// v0.16.0 sends every flag of OrganizationFeatureSettings (organizationfeaturesettings.go: each
	// a default-false pointer), so this asks for seat-based pricing with the member model off.
	_, err = org.client.Organizations.Update(ctx, org.id, components.OrganizationUpdate{
		FeatureSettings: &components.OrganizationFeatureSettings{SeatBasedPricingEnabled: polargo.Bool(true)},
	})
	assertValidation(t, err, "body.feature_settings.seat_based_pricing_enabled", "value_error")
	// v0.16.0's OrganizationCustomerEmailSettings has 11 of the 14 keys Polar's TypedDict
	// requires (organizationcustomeremailsettings.go:5 against server/polar/models/organization.py:124),
	// so Polar refuses every customer_email_settings it sends.
	_, err = org.client.Organizations.Update(ctx, org.id, components.OrganizationUpdate{
		CustomerEmailSettings: &components.OrganizationCustomerEmailSettings{OrderConfirmation: true},
	})
	for _, key := range []string{"payment_method_expiration_reminder", "subscription_paused", "subscription_resumed"} {
		assertValidation(t, err, "body.customer_email_settings."+key, "missing")
	}
}

func TestOrganizationCreateNeedsAUser(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	// Only a user creates organizations: an organization token is answered as no token at all.
	// v0.16.0 has no model for a 401 here (organizations.go:508 and :529 know 201 and 422).
	_, err := org.client.Organizations.Create(ctx, components.OrganizationCreate{Name: "New", Slug: unique("new-org")})
	e := asError[*apierrors.APIError](t, err)
	equal(t, "status", e.StatusCode, http.StatusUnauthorized)
	equal(t, "body", e.Body, `{"error":"Unauthorized","detail":"Unauthorized"}`)
	equal(t, "www-authenticate", e.RawResponse.Header.Get("WWW-Authenticate"), `Bearer realm="polar"`)
}

// --------------------------------------------------------------------------------------------
// Members
// --------------------------------------------------------------------------------------------

// TestMembersListMembers lists the members of an organization with Polar's member model. v0.16.0
// has no method for the customer-scoped member operations (customers:members:create, get,
// update, delete and their _external forms, under /v1/customers/{id}/members: customers.go has
// none), so the members beyond the owners come from a fixture (control plane). Its
// Members.CreateMember, GetMember, UpdateMember and DeleteMember (members.go:336, :597, :1091,
// :853) call Polar's deprecated /v1/members/{id} routes, which the emulator does not serve.
func TestMembersListMembers(t *testing.T) {
	t.Parallel()
	org := newMemberTenant(t)
	ann := createIndividual(t, org.client, components.CustomerIndividualCreate{Email: "Ann@Example.com", Name: polargo.String("Ann"), ExternalID: polargo.String("user_ann")})
	time.Sleep(2 * time.Millisecond)
	created, err := org.client.Customers.Create(ctx, components.CreateCustomerCreateCustomerTeamCreate(components.CustomerTeamCreate{
		Name: polargo.String("Acme"), ExternalID: polargo.String("acme"),
		Owner: &components.MemberOwnerCreate{Email: "Boss@Example.COM", Name: polargo.String(" Boss ")},
	}))
	ok(t, err, "Customers.Create team")
	acme := created.Customer.CustomerTeam
	if acme == nil {
		t.Fatalf("not a team: %+v", created.Customer)
	}
	time.Sleep(2 * time.Millisecond)
	var loaded struct {
		Changed struct {
			Customers []struct {
				ID string `json:"id"`
			} `json:"customers"`
		} `json:"changed"`
	}
	control(t, "POST", "/_emulator/organizations/"+org.id+"/fixtures", map[string]any{
		"reference_time": "now",
		"customers": []any{map[string]any{
			"type": "team", "email": "crew@example.com", "name": "Crew", "external_id": "crew", "created_at": "now",
			"members": []any{
				map[string]any{"email": "Ada@Example.com", "role": "billing_manager", "external_id": "u_ada"},
				map[string]any{"email": "bob@example.com"},
			},
		}},
	}, http.StatusOK, &loaded)
	if len(loaded.Changed.Customers) != 1 {
		t.Fatalf("the fixture made %d customers", len(loaded.Changed.Customers))
	}
	crew := loaded.Changed.Customers[0].ID

	first, err := org.client.Members.ListMembers(ctx, operations.MembersListMembersRequest{Limit: polargo.Int64(2)})
	ok(t, err, "Members.ListMembers")
	var members []components.Member
	for page := first; page != nil; {
		checkShape(t, page.HTTPMeta, page.ListResourceMember)
		deepEqual(t, "pagination", page.ListResourceMember.Pagination, components.Pagination{TotalCount: 5, MaxPage: 3})
		members = append(members, page.ListResourceMember.Items...)
		page, err = page.Next()
		ok(t, err, "Members.ListMembers Next()")
	}
	summary := func(items []components.Member) []string {
		out := []string{}
		for _, m := range items {
			out = append(out, m.Email+" "+string(m.Role))
		}
		return out
	}
	// Newest first.
	deepEqual(t, "members", summary(members), []string{
		"bob@example.com member", "Ada@example.com billing_manager", "crew@example.com owner", "Boss@example.com owner", "Ann@example.com owner",
	})
	if len(members) != 5 {
		t.FailNow()
	}
	owner := members[4]
	if !uuid4.MatchString(owner.ID) {
		t.Errorf("member id %q", owner.ID)
	}
	// An individual's owner takes the customer's name, external id and date.
	equal(t, "owner customer_id", owner.CustomerID, ann.ID)
	equal(t, "owner name", str(owner.Name), "Ann")
	equal(t, "owner external_id", str(owner.ExternalID), "user_ann")
	equal(t, "owner created_at", owner.CreatedAt.Equal(ann.CreatedAt), true)
	equal(t, "owner modified_at", owner.ModifiedAt == nil, true)
	// A team's is its `owner`, stripped.
	boss := members[3]
	equal(t, "team owner customer_id", boss.CustomerID, acme.ID)
	equal(t, "team owner name", str(boss.Name), "Boss")
	ada := members[1]
	equal(t, "member customer_id", ada.CustomerID, crew)
	equal(t, "member external_id", str(ada.ExternalID), "u_ada")

	ids := func(req operations.MembersListMembersRequest) []string {
		t.Helper()
		res, err := org.client.Members.ListMembers(ctx, req)
		ok(t, err, "Members.ListMembers")
		checkShape(t, res.HTTPMeta, res.ListResourceMember)
		return summary(res.ListResourceMember.Items)
	}
	deepEqual(t, "customer_id", ids(operations.MembersListMembersRequest{CustomerID: polargo.String(ann.ID)}), []string{"Ann@example.com owner"})
	deepEqual(t, "external_customer_id and role", ids(operations.MembersListMembersRequest{
		ExternalCustomerID: polargo.String("crew"), Role: components.MemberRoleMember.ToPointer(),
	}), []string{"bob@example.com member"})
	deepEqual(t, "role", ids(operations.MembersListMembersRequest{Role: components.MemberRoleBillingManager.ToPointer()}), []string{"Ada@example.com billing_manager"})
	deepEqual(t, "oldest first", ids(operations.MembersListMembersRequest{Sorting: []components.MemberSortProperty{components.MemberSortPropertyCreatedAt}, Limit: polargo.Int64(1)}), []string{"Ann@example.com owner"})

	// Deleting a customer deletes its members.
	_, err = org.client.Customers.Delete(ctx, crew, nil)
	ok(t, err, "Customers.Delete")
	deepEqual(t, "after the team is deleted", ids(operations.MembersListMembersRequest{}), []string{"Boss@example.com owner", "Ann@example.com owner"})

	// Polar parses customer_id itself and answers 404 (member/endpoints.py:113); v0.16.0 has no
	// model for a 404 here (members.go:263 and :284 know 200 and 422).
	_, err = org.client.Members.ListMembers(ctx, operations.MembersListMembersRequest{CustomerID: polargo.String("nope")})
	e := asError[*apierrors.APIError](t, err)
	equal(t, "status", e.StatusCode, http.StatusNotFound)
	equal(t, "body", e.Body, `{"error":"ResourceNotFound","detail":"Invalid customer ID format"}`)

	// Without the member model, customers get no owner.
	plain := newTenant(t)
	createIndividual(t, plain.client, components.CustomerIndividualCreate{Email: "solo@example.com"})
	none, err := plain.client.Members.ListMembers(ctx, operations.MembersListMembersRequest{})
	ok(t, err, "Members.ListMembers without the member model")
	equal(t, "members without the member model", none.ListResourceMember.Pagination.TotalCount, 0)
}
