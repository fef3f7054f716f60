package contract

// Customer seats through v0.16.0's CustomerSeats (the six organization operations) and
// CustomerPortal.Seats (the portal's five), on a seat-based subscription bought through a
// checkout the control plane completes. The invitation token comes from the control plane
// (Polar only emails it).

import (
	"net/http"
	"strings"
	"testing"

	polargo "github.com/polarsource/polar-go"
	"github.com/polarsource/polar-go/models/components"
	"github.com/polarsource/polar-go/models/operations"
)

func TestCustomerSeatsAssignClaimRevokeAndThePortal(t *testing.T) {
	t.Parallel()
	org := newTenant(t)
	team := createProduct(t, org, components.CreateProductCreateProductCreateRecurring(components.ProductCreateRecurring{
		Name:              "Team",
		RecurringInterval: components.SubscriptionRecurringIntervalMonth,
		Prices: []components.ProductCreateRecurringPrices{
			components.CreateProductCreateRecurringPricesSeatBased(components.ProductPriceSeatBasedCreate{
				SeatTiers: components.ProductPriceSeatTiersInput{
					Tiers: []components.ProductPriceSeatTier{{MinSeats: 1, PricePerSeat: 1000}},
				},
			}),
		},
	}))
	_, err := org.client.Products.UpdateBenefits(ctx, team.ID, components.ProductBenefitsUpdate{
		Benefits: []string{customBenefit(t, org, "Seat perk")},
	})
	ok(t, err, "Products.UpdateBenefits")
	checkout, err := org.client.Checkouts.Create(ctx, components.CheckoutCreate{
		Products:      []string{team.ID},
		Seats:         polargo.Int64(3),
		CustomerEmail: polargo.String(unique("billing") + "@example.com"),
	})
	ok(t, err, "Checkouts.Create")
	control(t, "POST", "/_emulator/checkouts/"+checkout.Checkout.ID+"/complete", map[string]any{}, http.StatusOK, nil)
	subs, err := org.client.Subscriptions.List(ctx, operations.SubscriptionsListRequest{})
	ok(t, err, "Subscriptions.List")
	sub := subs.ListResourceSubscription.Items[0]

	assigned, err := org.client.CustomerSeats.AssignSeat(ctx, components.SeatAssign{
		SubscriptionID: polargo.String(sub.ID), Email: polargo.String("holder@example.com"),
	})
	ok(t, err, "CustomerSeats.AssignSeat")
	checkShape(t, assigned.HTTPMeta, assigned.CustomerSeat)
	seat := assigned.CustomerSeat
	equal(t, "status", seat.Status, components.SeatStatusPending)

	listed, err := org.client.CustomerSeats.ListSeats(ctx, polargo.String(sub.ID), nil)
	ok(t, err, "CustomerSeats.ListSeats")
	checkShape(t, listed.HTTPMeta, listed.SeatsList)
	equal(t, "available", listed.SeatsList.AvailableSeats, int64(2))
	equal(t, "total", listed.SeatsList.TotalSeats, int64(3))

	resent, err := org.client.CustomerSeats.ResendInvitation(ctx, seat.ID)
	ok(t, err, "CustomerSeats.ResendInvitation")
	checkShape(t, resent.HTTPMeta, resent.CustomerSeat)

	var invitation struct {
		Token string `json:"invitation_token"`
	}
	control(t, "GET", "/_emulator/customer-seats/"+seat.ID+"/invitation", nil, http.StatusOK, &invitation)
	info, err := org.client.CustomerSeats.GetClaimInfo(ctx, invitation.Token)
	ok(t, err, "CustomerSeats.GetClaimInfo")
	checkShape(t, info.HTTPMeta, info.SeatClaimInfo)
	equal(t, "can claim", info.SeatClaimInfo.CanClaim, true)
	claimed, err := org.client.CustomerSeats.ClaimSeat(ctx, components.SeatClaim{InvitationToken: invitation.Token})
	ok(t, err, "CustomerSeats.ClaimSeat")
	checkShape(t, claimed.HTTPMeta, claimed.CustomerSeatClaimResponse)
	holder := claimed.CustomerSeatClaimResponse.CustomerSessionToken
	equal(t, "member session", strings.HasPrefix(holder, "polar_mst_"), true)

	portal := org.client.CustomerPortal.Seats
	claimedSubs, err := portal.ListClaimedSubscriptions(ctx, operations.CustomerPortalSeatsListClaimedSubscriptionsSecurity{MemberSession: &holder}, nil, nil)
	ok(t, err, "CustomerPortal.Seats.ListClaimedSubscriptions")
	checkShape(t, claimedSubs.HTTPMeta, claimedSubs.ListResourceCustomerSubscription)
	equal(t, "claimed subscriptions", len(claimedSubs.ListResourceCustomerSubscription.Items), 1)

	session, err := org.client.CustomerSessions.Create(ctx, operations.CreateCustomerSessionsCreateCustomerSessionCreateCustomerSessionCustomerIDCreate(
		components.CustomerSessionCustomerIDCreate{CustomerID: sub.CustomerID},
	))
	ok(t, err, "CustomerSessions.Create")
	buyer := session.CustomerSession.Token
	mine, err := portal.AssignSeat(ctx, components.SeatAssign{SubscriptionID: polargo.String(sub.ID), Email: polargo.String("p@example.com")},
		operations.CustomerPortalSeatsAssignSeatSecurity{CustomerSession: &buyer})
	ok(t, err, "CustomerPortal.Seats.AssignSeat")
	checkShape(t, mine.HTTPMeta, mine.CustomerSeat)
	portalList, err := portal.ListSeats(ctx, operations.CustomerPortalSeatsListSeatsSecurity{CustomerSession: &buyer}, polargo.String(sub.ID), nil)
	ok(t, err, "CustomerPortal.Seats.ListSeats")
	equal(t, "portal seats", len(portalList.SeatsList.Seats), 2)
	_, err = portal.ResendInvitation(ctx, operations.CustomerPortalSeatsResendInvitationSecurity{CustomerSession: &buyer}, mine.CustomerSeat.ID)
	ok(t, err, "CustomerPortal.Seats.ResendInvitation")
	revokedHere, err := portal.RevokeSeat(ctx, operations.CustomerPortalSeatsRevokeSeatSecurity{CustomerSession: &buyer}, mine.CustomerSeat.ID)
	ok(t, err, "CustomerPortal.Seats.RevokeSeat")
	equal(t, "portal revoked", revokedHere.CustomerSeat.Status, components.SeatStatusRevoked)

	revoked, err := org.client.CustomerSeats.RevokeSeat(ctx, seat.ID)
	ok(t, err, "CustomerSeats.RevokeSeat")
	checkShape(t, revoked.HTTPMeta, revoked.CustomerSeat)
	equal(t, "revoked", revoked.CustomerSeat.Status, components.SeatStatusRevoked)
}
