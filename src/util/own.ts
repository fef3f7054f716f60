/**
 * Sets an own, enumerable key on a plain object, whatever the key: `obj["__proto__"] = v` would
 * change the prototype instead (and drop the key), so user data such as metadata keys goes
 * through here.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
