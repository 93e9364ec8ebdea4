// Builds the playground bundle when it is missing or older than its sources (`npm test` builds it already;
// this keeps `npx jest test/playground` working on its own).
import { execFile } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { defaultPlaygroundDir } from "../../src/playground/playground.route";

const root = path.resolve(__dirname, "../..");
const sources = ["main.jsx", "index.html", "page.css", "build.mjs"].map((name) => path.join(root, "src/playground", name));

export async function ensurePlaygroundBuilt(): Promise<string> {
  const dir = defaultPlaygroundDir();
  const index = path.join(dir, "index.html");
  const newestSource = Math.max(...sources.map((file) => statSync(file).mtimeMs));
  if (!existsSync(index) || statSync(index).mtimeMs < newestSource) {
    await promisify(execFile)(process.execPath, [path.join(root, "src/playground/build.mjs")], { cwd: root, timeout: 120_000 });
  }
  return dir;
}
