/**
 * Import first in a benchmark that loads src/: src/version.ts reads the package.json one level above src/, which,
 * in the benchmark build (.bench-build/src/), is .bench-build/package.json. This keeps that file in step with the
 * real one (name and version only); run from the sources, it finds no package.json one level up and does nothing.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const buildRoot = path.join(__dirname, "..", "..");
const original = path.join(buildRoot, "..", "package.json");
const copy = path.join(buildRoot, "package.json");
if (path.basename(buildRoot) === ".bench-build" && existsSync(original)) {
  const { name, version } = JSON.parse(readFileSync(original, "utf8")) as { name: string; version: string };
  const text = `${JSON.stringify({ name, version, private: true, type: "commonjs" }, null, 2)}\n`;
  if (!existsSync(copy) || readFileSync(copy, "utf8") !== text) writeFileSync(copy, text);
}
