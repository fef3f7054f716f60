/**
 * pydantic's `HttpUrl` (the Rust `url` crate, which follows WHATWG): at most 2083 characters, an
 * absolute `http` or `https` URL with a host, normalized (`https://Example.com` becomes
 * `https://example.com/`).
 */
import type { Described } from "./messages.js";

export const HTTP_URL_MAX_LENGTH = 2083;

function parsing(error: string): Described {
  return { type: "url_parsing", msg: `Input should be a valid URL, ${error}`, ctx: { error } };
}

/** What pydantic says of the text as an `HttpUrl`, or null when it is one. */
export function httpUrlProblem(text: string, maxLength = HTTP_URL_MAX_LENGTH): Described | null {
  if (text.length > maxLength) {
    return {
      type: "url_too_long",
      msg: `URL should have at most ${maxLength} characters`,
      ctx: { max_length: maxLength },
    };
  }
  if (text === "") return parsing("input is empty");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(text);
    if (authority === null) return parsing("relative URL without a base");
    const host = authority[1].replace(/^[^@]*@/, "");
    const port = /:(\d*)$/.exec(host);
    if (port !== null && port[1] !== "" && Number(port[1]) > 65535) return parsing("invalid port number");
    const name = port === null ? host : host.slice(0, port.index);
    return parsing(name === "" ? "empty host" : "invalid international domain name");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return {
      type: "url_scheme",
      msg: "URL scheme should be 'http' or 'https'",
      ctx: { expected_schemes: "'http' or 'https'" },
    };
  }
  if (url.hostname === "") return parsing("empty host");
  return null;
}

/** The URL as pydantic hands it on (its text once normalized); call after `httpUrlProblem`. */
export function normalizedHttpUrl(text: string): string {
  return new URL(text).href;
}
