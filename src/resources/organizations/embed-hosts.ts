/**
 * Embed hosts as Polar checks them (organization/embed_hosts.py `validate_host_pattern`): a host
 * and an optional port without a scheme (`example.com`, `*.example.com`, `localhost:3000`), or an
 * app origin with its scheme (`chrome-extension://abcdef`); written back normalized (lower case,
 * punycode, no default port) and each once.
 *
 * Left out: Polar's list of public suffixes, which refuses a wildcard over one (`*.co.uk`); the
 * emulator refuses a wildcard over a single label (`*.com`) only.
 */
import { pythonRepr } from "../../pydantic/messages.js";

const WEB_SCHEMES = new Set(["http", "https"]);
const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };
const HOST_LABEL = /^[A-Za-z0-9-]+$/;
const MAX_HOST_LENGTH = 253;

class InvalidEmbedHost extends Error {
  constructor(value: string, reason: string) {
    super(`${pythonRepr(value)} is not a valid embed host: ${reason}`);
  }
}

const PATH_REASON =
  "write a host and an optional port, with no path. Between the dots, only letters, digits and hyphens";

function isIp(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(bare) || bare.includes(":");
}

/** `parse_host_pattern`: the entry normalized, or null when it is not one. */
function hostPattern(value: string): string | null {
  const entry = value.trim();
  const separator = entry.indexOf("://");
  const scheme = separator === -1 ? null : entry.slice(0, separator).toLowerCase();
  if (scheme !== null && WEB_SCHEMES.has(scheme)) return null;
  const remainder = separator === -1 ? entry : entry.slice(separator + 3);
  const wildcard = remainder.startsWith("*.");
  const host = wildcard ? remainder.slice(2) : remainder;
  if (host === "" || host.includes("*")) return null;
  const written = host.startsWith("[") ? host.slice(host.indexOf("]") + 1) : host;
  if (written.replace(/:\d+$/, "").includes(":")) return null;
  let url: URL;
  try {
    url = new URL(`${scheme ?? "https"}://${wildcard ? `wildcard.${host}` : host}`);
  } catch {
    return null;
  }
  if (
    url.hostname === "" ||
    (url.pathname !== "/" && url.pathname !== "") ||
    url.search !== "" ||
    url.hash !== ""
  )
    return null;
  if (url.username !== "") return null;
  const parsedHost = wildcard ? url.hostname.replace(/^wildcard\./, "") : url.hostname;
  if (parsedHost.length > MAX_HOST_LENGTH) return null;
  if (
    !isIp(parsedHost) &&
    !parsedHost
      .replace(/\.$/, "")
      .split(".")
      .every((label) => HOST_LABEL.test(label))
  )
    return null;
  const portMatch = /:(\d+)$/.exec(written);
  const port = portMatch === null ? null : Number(portMatch[1]);
  const defaultPort = DEFAULT_PORTS[scheme ?? "https"];
  const portText = port === null || port === defaultPort ? "" : `:${port}`;
  return `${scheme === null ? "" : `${scheme}://`}${wildcard ? "*." : ""}${parsedHost}${portText}`;
}

function validateHostPattern(value: string): string {
  const entry = value.trim();
  if (entry === "") throw new InvalidEmbedHost(value, "it is empty");
  const unprefixed = entry.startsWith("*.") ? entry.slice(2) : entry;
  if (unprefixed.trim() === "" || unprefixed.trim() === "*")
    throw new InvalidEmbedHost(value, "a bare wildcard would let any page embed");
  const separator = entry.indexOf("://");
  if (WEB_SCHEMES.has((separator === -1 ? entry : entry.slice(0, separator)).toLowerCase())) {
    throw new InvalidEmbedHost(
      value,
      "write the host on its own. HTTPS is always allowed, and HTTP as well for localhost and private addresses",
    );
  }
  const pattern = hostPattern(value);
  if (pattern === null) throw new InvalidEmbedHost(value, PATH_REASON);
  if (pattern.startsWith("*.")) {
    const host = pattern.slice(2).replace(/:\d+$/, "");
    if (!host.includes(".") && !isIp(host)) {
      throw new InvalidEmbedHost(
        value,
        `${host} is a domain suffix, so this would admit every site registered under it. Name your own site, like myshop.${host}`,
      );
    }
  }
  return pattern;
}

/** The embed hosts as Polar stores them, or the message of the first it refuses. */
export function embedHosts(values: readonly string[]): { hosts: string[] } | { error: string } {
  const hosts: string[] = [];
  for (const value of values) {
    try {
      const host = validateHostPattern(value);
      if (!hosts.includes(host)) hosts.push(host);
    } catch (error) {
      if (error instanceof InvalidEmbedHost) return { error: error.message };
      throw error;
    }
  }
  return { hosts };
}
