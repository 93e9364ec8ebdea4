import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The folder holding package.json above `start`: the repository (or the installed package). Works from a compiled
 * dist/ file and from ts-jest's src/ file alike, so built bundles (dist/playground, dist/admin) are found from both.
 */
export function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
