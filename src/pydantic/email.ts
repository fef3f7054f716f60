/**
 * Email addresses as Polar's pydantic schemas check them (python `email-validator`, no DNS).
 * `emailProblem` returns the library's reason text, which Polar puts in the 422 message.
 */

const SPECIAL_USE_SUFFIXES = ["arpa", "invalid", "local", "localhost", "onion", "test"];
const LOCAL_ALLOWED = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.\u0080-\uFFFF]$/u;
const DOMAIN_LABEL = /^[a-z0-9\u0080-\uffff]([a-z0-9\u0080-\uffff-]*[a-z0-9\u0080-\uffff])?$/u;

function invalidCharacters(text: string, allowed: RegExp): string[] {
  const found: string[] = [];
  for (const char of text) {
    if (!allowed.test(char) && !found.includes(char)) found.push(char);
  }
  return found;
}

function describe(chars: string[]): string {
  return chars.map((char) => (char === " " ? "SPACE" : char)).join(", ");
}

/** Why `value` is not a valid email address, in email-validator's words; null when it is valid. */
export function emailProblem(value: string): string | null {
  const at = value.lastIndexOf("@");
  if (at === -1) return "An email address must have an @-sign.";
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).toLowerCase();
  if (local.length === 0) return "There must be something before the @-sign.";
  if (domain.length === 0) return "There must be something after the @-sign.";
  const badLocal = invalidCharacters(local, LOCAL_ALLOWED);
  if (badLocal.length > 0)
    return `The email address contains invalid characters before the @-sign: ${describe(badLocal)}.`;
  if (local.startsWith(".")) return "An email address cannot start with a period.";
  if (local.endsWith(".")) return "An email address cannot have a period immediately before the @-sign.";
  if (local.includes("..")) return "An email address cannot have two periods in a row.";
  if (local.length > 64)
    return `The email address is too long before the @-sign (${local.length - 64} characters too many).`;
  const badDomain = invalidCharacters(domain, /^[a-z0-9.\-\u0080-\uffff]$/u);
  if (badDomain.length > 0)
    return `The part after the @-sign contains invalid characters: ${describe(badDomain)}.`;
  if (domain.startsWith(".")) return "An email address cannot have a period immediately after the @-sign.";
  if (domain.endsWith(".")) return "An email address cannot end with a period.";
  if (domain.includes("..")) return "An email address cannot have two periods in a row.";
  if (!domain.includes(".")) return "The part after the @-sign is not valid. It should have a period.";
  const labels = domain.split(".");
  if (labels.some((label) => !DOMAIN_LABEL.test(label))) {
    return "An email address cannot have a hyphen immediately after the @-sign or at the end of a domain label.";
  }
  const tld = labels[labels.length - 1];
  if (/^[0-9]+$/.test(tld))
    return "The part after the @-sign is not valid. It is not within a valid top-level domain.";
  if (SPECIAL_USE_SUFFIXES.includes(tld)) {
    return "The part after the @-sign is a special-use or reserved name that cannot be used with email.";
  }
  if (value.length > 254) return `The email address is too long (${value.length - 254} characters too many).`;
  return null;
}

/** pydantic returns the normalized address: the domain lower-cased, the local part kept. */
export function normalizeEmail(value: string): string {
  const at = value.lastIndexOf("@");
  return `${value.slice(0, at)}@${value.slice(at + 1).toLowerCase()}`;
}

/** pydantic's `pretty_email_regex`: `John Doe <jd@example.com>`, the name quoted or not. */
const NAME_CHAR = "[\\p{L}\\p{N}_!#$%&'*+\\-/=?^`{|}~]";
const PRETTY_EMAIL = new RegExp(
  `^\\s*(?:((?:${NAME_CHAR}+\\s+)*${NAME_CHAR}+)|"((?:[^"]|")+)")?\\s*<(.+)>\\s*$`,
  "u",
);
const MAX_EMAIL_LENGTH = 2048;
const SURROUNDING_SPACE = /^\s+|\s+$/gu;

/**
 * pydantic's `EmailStr` (`validate_email`): an address at most 2048 characters long, the
 * `Name <address>` form taken apart, surrounding spaces dropped, then email-validator's check.
 * The normalized address it hands on, or the reason it gives.
 */
export function pydanticEmail(value: string): { email: string } | { reason: string } {
  if ([...value].length > MAX_EMAIL_LENGTH)
    return { reason: `Length must not exceed ${MAX_EMAIL_LENGTH} characters` };
  const pretty = PRETTY_EMAIL.exec(value);
  const email = (pretty ? pretty[3] : value).replace(SURROUNDING_SPACE, "");
  const reason = emailProblem(email);
  return reason === null ? { email: normalizeEmail(email) } : { reason };
}
