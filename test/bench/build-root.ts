/**
 * Import first in a benchmark that loads src/: src/version.ts reads the package.json one level above src/, which,
 * in the benchmark build (.bench-build/src/), is .bench-build/package.json. This writes that file (name and version
 * of the real one) when it is missing; from the sources it finds the real package.json and does nothing.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const buildRoot = path.join(__dirname, "..", "..");
const copy = path.join(buildRoot, "package.json");
const original = path.join(buildRoot, "..", "package.json");
if (!existsSync(copy) && existsSync(original)) {
  const { name, version } = JSON.parse(readFileSync(original, "utf8")) as { name: string; version: string };
  writeFileSync(copy, `${JSON.stringify({ name, version, private: true, type: "commonjs" }, null, 2)}\n`);
}
