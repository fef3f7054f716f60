/** Checkout links: reusable links whose URL opens a new checkout session (no webhook events). */

import { FALLBACK_PUBLIC_URL, publicBase } from "../../domain/public-url.js";
import { ResourceNotFound } from "../../errors.js";
import { checkoutUrl } from "../checkouts/serialize.js";
import { collection, defineResource } from "../resource.js";
import { checkoutLinkFixture } from "./fixture.js";
import { checkoutLinkHandlers } from "./handlers.js";
import { serializeCheckoutLink } from "./serialize.js";
import { checkoutFromLink, PREFILL_PARAMETERS } from "./service.js";
import { checkoutLinkDecoder } from "./snapshot.js";
import { CheckoutLinkTable } from "./table.js";

export const checkoutLinks = defineResource({
  name: "checkout-links",
  scopes: ["checkout_links:read", "checkout_links:write"],
  tables: () => ({ checkoutLinks: new CheckoutLinkTable() }),
  handlers: checkoutLinkHandlers,
  validation: { walked: ["checkout-links:create", "checkout-links:update"] },
  hidden: [
    {
      // checkout_link/endpoints.py `redirect`: a new checkout session, and a redirect to its page
      // with the query parameters the prefill did not read.
      method: "GET",
      pattern: /^\/v1\/checkout-links\/([^/]+)\/redirect$/,
      handle: (ctx, [secret], query) => {
        let decoded: string;
        try {
          decoded = decodeURIComponent(secret ?? "");
        } catch {
          throw new ResourceNotFound();
        }
        const checkout = checkoutFromLink(ctx, decoded, query);
        const url = new URL(checkoutUrl(publicBase(ctx), checkout));
        for (const [key, value] of query) {
          if (!(PREFILL_PARAMETERS as readonly string[]).includes(key)) url.searchParams.append(key, value);
        }
        return { status: 307, redirect: url.toString() };
      },
    },
  ],
  fixture: checkoutLinkFixture,
  snapshot: {
    sections: {
      checkout_links: collection({
        table: (partition) => partition.checkoutLinks,
        decode: checkoutLinkDecoder,
        serialize: (partition, link) => serializeCheckoutLink(partition, link, FALLBACK_PUBLIC_URL),
      }),
    },
    references: (decoded, ids, _problems, missing) => {
      decoded.checkout_links.forEach((item, index) => {
        item.product_ids.forEach((productId, at) => {
          if (!ids("products").has(productId))
            missing(["checkout_links", index, "product_ids", at], "product", productId);
        });
        if (item.discount_id !== null && !ids("discounts").has(item.discount_id))
          missing(["checkout_links", index, "discount_id"], "discount", item.discount_id);
      });
    },
  },
});
