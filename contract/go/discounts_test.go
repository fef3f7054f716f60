package contract

import (
	"net/http"
	"testing"
	"time"

	polargo "github.com/polarsource/polar-go"
	"github.com/polarsource/polar-go/models/components"
	"github.com/polarsource/polar-go/models/operations"
)

func createDiscount(t *testing.T, org tenant, body components.DiscountCreate) *components.Discount {
	t.Helper()
	res, err := org.client.Discounts.Create(ctx, body)
	ok(t, err, "Discounts.Create")
	checkShape(t, res.HTTPMeta, res.Discount)
	equal(t, "status", res.HTTPMeta.Response.StatusCode, http.StatusCreated)
	return res.Discount
}

func discountID(d components.Discount) string {
	switch {
	case d.DiscountFixedOnceForeverDuration != nil:
		return d.DiscountFixedOnceForeverDuration.ID
	case d.DiscountFixedRepeatDuration != nil:
		return d.DiscountFixedRepeatDuration.ID
	case d.DiscountPercentageOnceForeverDuration != nil:
		return d.DiscountPercentageOnceForeverDuration.ID
	case d.DiscountPercentageRepeatDuration != nil:
		return d.DiscountPercentageRepeatDuration.ID
	}
	return ""
}

func TestDiscountCreateGetListUpdateDelete(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	pro := monthly(t, org, "Pro", 2000)
	startsAt := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	endsAt := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)

	fixed := createDiscount(t, org, components.CreateDiscountCreateDiscountFixedOnceForeverDurationCreate(components.DiscountFixedOnceForeverDurationCreate{
		Name:     "Launch",
		Code:     polargo.String("LAUNCH10"),
		Duration: components.DiscountDurationOnce,
		Type:     components.DiscountTypeFixed,
		Amount:   polargo.Int64(1000),
		Currency: components.PresentmentCurrencyUsd.ToPointer(),
		StartsAt: &startsAt, EndsAt: &endsAt,
		MaxRedemptions: polargo.Int64(50),
		Products:       []string{pro.ID},
		Metadata:       map[string]components.DiscountFixedOnceForeverDurationCreateMetadata{"campaign": components.CreateDiscountFixedOnceForeverDurationCreateMetadataStr("launch")},
	}))
	equal(t, "union type", fixed.Type, components.DiscountUnionTypeDiscountFixedOnceForeverDuration)
	f := fixed.DiscountFixedOnceForeverDuration
	if !uuid4.MatchString(f.ID) {
		t.Errorf("id %q", f.ID)
	}
	recent(t, "created_at", f.CreatedAt)
	equal(t, "name", f.Name, "Launch")
	equal(t, "code", str(f.Code), "LAUNCH10")
	equal(t, "duration", f.Duration, components.DiscountDurationOnce)
	equal(t, "type", f.Type, components.DiscountTypeFixed)
	equal(t, "amount", f.Amount, 1000)
	equal(t, "currency", f.Currency, "usd")
	deepEqual(t, "amounts", f.Amounts, map[string]int64{"usd": 1000})
	equal(t, "starts_at", f.StartsAt.Equal(startsAt), true)
	equal(t, "ends_at", f.EndsAt.Equal(endsAt), true)
	equal(t, "max_redemptions", i64(f.MaxRedemptions), "50")
	equal(t, "redemptions_count", f.RedemptionsCount, 0)
	equal(t, "organization_id", f.OrganizationID, org.id)
	if len(f.Products) != 1 {
		t.Fatalf("products = %d, want 1", len(f.Products))
	}
	equal(t, "product id", f.Products[0].ID, pro.ID)
	equal(t, "product name", f.Products[0].Name, "Pro")
	equal(t, "product is_recurring", f.Products[0].IsRecurring, true)
	deepEqual(t, "metadata", f.Metadata, map[string]components.MetadataOutputType{"campaign": components.CreateMetadataOutputTypeStr("launch")})

	percent := createDiscount(t, org, components.CreateDiscountCreateDiscountPercentageRepeatDurationCreate(components.DiscountPercentageRepeatDurationCreate{
		Name: "Quarter off", Duration: components.DiscountDurationRepeating, DurationInMonths: 3, Type: components.DiscountTypePercentage, BasisPoints: 2500,
	}))
	equal(t, "percentage union type", percent.Type, components.DiscountUnionTypeDiscountPercentageRepeatDuration)
	p := percent.DiscountPercentageRepeatDuration
	equal(t, "basis_points", p.BasisPoints, 2500)
	equal(t, "duration_in_months", p.DurationInMonths, 3)
	equal(t, "code", p.Code == nil, true)
	equal(t, "products", len(p.Products), 0)

	forever := createDiscount(t, org, components.CreateDiscountCreateDiscountPercentageOnceForeverDurationCreate(components.DiscountPercentageOnceForeverDurationCreate{
		Name: "Friends", Code: polargo.String("friends"), Duration: components.DiscountDurationForever, Type: components.DiscountTypePercentage, BasisPoints: 1000,
	}))
	equal(t, "forever union type", forever.Type, components.DiscountUnionTypeDiscountPercentageOnceForeverDuration)
	equal(t, "forever duration", forever.DiscountPercentageOnceForeverDuration.Duration, components.DiscountDurationForever)

	repeatFixed := createDiscount(t, org, components.CreateDiscountCreateDiscountFixedRepeatDurationCreate(components.DiscountFixedRepeatDurationCreate{
		Name: "Two months", Duration: components.DiscountDurationRepeating, DurationInMonths: 2, Type: components.DiscountTypeFixed, Amount: polargo.Int64(500),
	}))
	equal(t, "fixed repeating union type", repeatFixed.Type, components.DiscountUnionTypeDiscountFixedRepeatDuration)
	equal(t, "fixed repeating amount", repeatFixed.DiscountFixedRepeatDuration.Amount, 500)

	for _, created := range []*components.Discount{fixed, percent, forever, repeatFixed} {
		got, err := org.client.Discounts.Get(ctx, discountID(*created))
		ok(t, err, "Discounts.Get")
		checkShape(t, got.HTTPMeta, got.Discount)
		deepEqual(t, "Discounts.Get", got.Discount, created)
	}

	ids := func(req operations.DiscountsListRequest) []string {
		t.Helper()
		res, err := org.client.Discounts.List(ctx, req)
		ok(t, err, "Discounts.List")
		checkShape(t, res.HTTPMeta, res.ListResourceDiscount)
		out := []string{}
		for _, d := range res.ListResourceDiscount.Items {
			out = append(out, discountID(d))
		}
		return out
	}
	all := []string{discountID(*repeatFixed), discountID(*forever), discountID(*percent), discountID(*fixed)}
	deepEqual(t, "default order (-created_at)", ids(operations.DiscountsListRequest{}), all)
	deepEqual(t, "by name", ids(operations.DiscountsListRequest{Sorting: []components.DiscountSortProperty{components.DiscountSortPropertyName}}),
		[]string{discountID(*forever), discountID(*fixed), discountID(*percent), discountID(*repeatFixed)})
	deepEqual(t, "query on the code", ids(operations.DiscountsListRequest{Query: polargo.String("launch1")}), []string{discountID(*fixed)})
	deepEqual(t, "query on the name", ids(operations.DiscountsListRequest{Query: polargo.String("QUARTER")}), []string{discountID(*percent)})

	page, err := org.client.Discounts.List(ctx, operations.DiscountsListRequest{Limit: polargo.Int64(3)})
	ok(t, err, "Discounts.List limit 3")
	deepEqual(t, "pagination", page.ListResourceDiscount.Pagination, components.Pagination{TotalCount: 4, MaxPage: 2})
	next, err := page.Next()
	ok(t, err, "Discounts.List Next()")
	if next == nil || len(next.ListResourceDiscount.Items) != 1 {
		t.Errorf("second page = %+v, want one discount", next)
	}

	updated, err := org.client.Discounts.Update(ctx, discountID(*fixed), components.DiscountUpdate{
		Name:           polargo.String("Launch week"),
		Code:           polargo.String("LAUNCH20"),
		MaxRedemptions: polargo.Int64(100),
		Metadata:       map[string]components.DiscountUpdateMetadata{"campaign": components.CreateDiscountUpdateMetadataStr("week")},
	})
	ok(t, err, "Discounts.Update")
	checkShape(t, updated.HTTPMeta, updated.Discount)
	u := updated.Discount.DiscountFixedOnceForeverDuration
	if u == nil {
		t.Fatalf("updated discount decoded as %s", updated.Discount.Type)
	}
	equal(t, "updated name", u.Name, "Launch week")
	equal(t, "updated code", str(u.Code), "LAUNCH20")
	equal(t, "updated max_redemptions", i64(u.MaxRedemptions), "100")
	equal(t, "amount kept", u.Amount, 1000)
	equal(t, "products kept", len(u.Products), 1)
	if u.ModifiedAt == nil {
		t.Error("modified_at is null after an update")
	}
	deepEqual(t, "updated metadata", u.Metadata, map[string]components.MetadataOutputType{"campaign": components.CreateMetadataOutputTypeStr("week")})
	deepEqual(t, "old code", ids(operations.DiscountsListRequest{Query: polargo.String("LAUNCH10")}), []string{})

	deleted, err := org.client.Discounts.Delete(ctx, discountID(*percent))
	ok(t, err, "Discounts.Delete")
	equal(t, "delete status", deleted.HTTPMeta.Response.StatusCode, http.StatusNoContent)
	_, err = org.client.Discounts.Get(ctx, discountID(*percent))
	assertNotFound(t, err)
	_, err = org.client.Discounts.Delete(ctx, discountID(*percent))
	assertNotFound(t, err)
	deepEqual(t, "after delete", ids(operations.DiscountsListRequest{}), []string{discountID(*repeatFixed), discountID(*forever), discountID(*fixed)})
}

func TestDiscountErrors(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	createDiscount(t, org, components.CreateDiscountCreateDiscountPercentageOnceForeverDurationCreate(components.DiscountPercentageOnceForeverDurationCreate{
		Name: "Taken", Code: polargo.String("TAKEN"), Duration: components.DiscountDurationOnce, Type: components.DiscountTypePercentage, BasisPoints: 1000,
	}))
	unknown := "00000000-0000-4000-8000-000000000000"
	_, err := org.client.Discounts.Get(ctx, unknown)
	assertNotFound(t, err)
	_, err = org.client.Discounts.Update(ctx, unknown, components.DiscountUpdate{Name: polargo.String("x")})
	assertNotFound(t, err)
	_, err = org.client.Discounts.Delete(ctx, unknown)
	assertNotFound(t, err)

	// Codes are unique in an organization, case-insensitively.
	_, err = org.client.Discounts.Create(ctx, components.CreateDiscountCreateDiscountPercentageOnceForeverDurationCreate(components.DiscountPercentageOnceForeverDurationCreate{
		Name: "Again", Code: polargo.String("taken"), Duration: components.DiscountDurationOnce, Type: components.DiscountTypePercentage, BasisPoints: 1000,
	}))
	assertValidation(t, err, "body.code", "value_error")
	_, err = org.client.Discounts.Create(ctx, components.CreateDiscountCreateDiscountPercentageOnceForeverDurationCreate(components.DiscountPercentageOnceForeverDurationCreate{
		Name: "Too much", Duration: components.DiscountDurationOnce, Type: components.DiscountTypePercentage, BasisPoints: 10001,
	}))
	assertValidation(t, err, "body.percentage.basis_points", "less_than_equal")
}
