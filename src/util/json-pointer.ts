/** Resolved pointers per root document (documents are not changed once loaded). */
const resolved = new WeakMap<object, Map<string, unknown>>();

/** Resolves a local JSON pointer (`#/properties/requestBody/oneOf/0`) against the root schema. */
export function resolvePointer(root: unknown, pointer: string): unknown {
  const cache = typeof root === "object" && root !== null ? resolved.get(root) : undefined;
  if (cache?.has(pointer)) return cache.get(pointer);
  let node = root;
  for (const raw of pointer.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) {
      node = undefined;
      break;
    }
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof root === "object" && root !== null) {
    if (cache) cache.set(pointer, node);
    else resolved.set(root, new Map([[pointer, node]]));
  }
  return node;
}
