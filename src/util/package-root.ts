/**
 * Where the package's own files are (spec/, fixtures/, package.json, dist/yaml-cache/): the nearest
 * folder above this module that holds package.json. The same answer from src/ (tsx), from tsc's
 * dist/ and from the bundled CLI (dist/cli.bundle.cjs), whose modules sit at different depths.
 */
import { existsSync } from "node:fs";

function packageRoot(from: string): URL {
  let folder = new URL("./", from);
  for (;;) {
    if (existsSync(new URL("package.json", folder))) return folder;
    const parent = new URL("../", folder);
    if (parent.href === folder.href) throw new Error(`[polar-emulator] no package.json above ${from}`);
    folder = parent;
  }
}

const PACKAGE_ROOT: URL = packageRoot(import.meta.url);

/** A file or folder of the package, by its path from the root (`spec/`, `fixtures/default.yaml`). */
export function packageFile(path: string): URL {
  return new URL(path, PACKAGE_ROOT);
}
