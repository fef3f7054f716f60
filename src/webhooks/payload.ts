/** What a webhook carries beyond the domain event: the chat formats' payloads, and what a failed attempt records. */
import { STATUS_CODES } from "node:http";
import type { DomainEvent } from "../domain/events.js";
import type { ApiVersion } from "../domain/versions.js";
import { isObject } from "../util/is-object.js";
import { iso } from "../util/time.js";
import type { WebhookFormat } from "./endpoints.js";

/**
 * An event's raw payloads, one per API version, each rendered once when first asked for:
 * `{type, timestamp, api_version, data}`, the data as that version has it.
 */
export function rawPayloads(
  event: DomainEvent,
  render: (data: unknown, version: ApiVersion) => unknown,
): (version: ApiVersion) => string {
  const rendered = new Map<ApiVersion, string>();
  return (version) => {
    let payload = rendered.get(version);
    if (payload === undefined) {
      payload = JSON.stringify({
        type: event.type,
        timestamp: iso(event.timestamp),
        api_version: version,
        data: render(event.data, version),
      });
      rendered.set(version, payload);
    }
    return payload;
  };
}

/** Types whose payload is a customer (its external id is on the object itself). */
const CUSTOMER_OBJECT = /^customer\.(created|updated|deleted|state_changed)$/;

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

export function externalCustomerIdOf(event: DomainEvent): string | null {
  const data = event.data;
  if (!isObject(data)) return null;
  if (CUSTOMER_OBJECT.test(event.type)) {
    // A deleted customer's external id has moved to `metadata.__external_id`, as Polar moves it.
    const moved = isObject(data.metadata) ? text(data.metadata.__external_id) : null;
    return text(data.external_id) ?? moved;
  }
  return isObject(data.customer) ? text(data.customer.external_id) : null;
}

/** What httpx says when `raise_for_status` fails, which Polar records when the body is empty. */
export function statusErrorText(status: number, url: string): string {
  const kind =
    status < 200
      ? "Informational response"
      : status < 400
        ? "Redirect response"
        : status < 500
          ? "Client error"
          : "Server error";
  return `${kind} '${status} ${STATUS_CODES[status] ?? ""}' for url '${url}'\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/${status}`;
}

/** Polar's generic Discord and Slack payloads (no branding). */
export function chatPayload(format: WebhookFormat, event: DomainEvent, organization: string): string {
  if (format === "discord") {
    return JSON.stringify({
      content: event.type,
      embeds: [
        {
          title: event.type,
          description: event.type,
          fields: [
            { name: "Object", value: event.subjectId },
            { name: "Organization", value: organization },
          ],
        },
      ],
    });
  }
  return JSON.stringify({
    text: event.type,
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: event.type },
        fields: [
          { type: "mrkdwn", text: `*Object*\n${event.subjectId}` },
          { type: "mrkdwn", text: `*Organization*\n${organization}` },
        ],
      },
    ],
  });
}
