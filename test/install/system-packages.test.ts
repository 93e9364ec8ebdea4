import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../support/build";

// scripts/system-packages.sh (`npm test`'s pretest, and .ci/run) on a machine without the Debian packages: it is
// pointed at an empty system root, with a PATH that holds only the tools it uses (and fakes of sudo and apt-get).

const SOURCE_SCRIPT = path.join(ROOT, "scripts", "system-packages.sh");
const BASH = "/bin/bash";
const TOOLS = ["id", "env", "mktemp", "grep", "head", "cut", "rm"];
const INSTALL = "Install them with: sudo apt-get update && sudo apt-get install -y python3-pymongo chromium mariadb-server";

let work: string;
let scriptCopy: string;
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), "chatello-system-packages-"));
  chmodSync(work, 0o755); // readable by the unprivileged user the first test runs as
  // A copy in that folder: the checkout itself may sit where the unprivileged user cannot go (a clone in a 0700 temp dir).
  scriptCopy = path.join(work, "system-packages.sh");
  copyFileSync(SOURCE_SCRIPT, scriptCopy);
  chmodSync(scriptCopy, 0o755);
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** A folder for PATH with the tools the script uses, plus the given fake commands (shell scripts). */
function binFolder(fakes: Record<string, string> = {}): string {
  const bin = path.join(work, "bin");
  mkdirSync(bin);
  chmodSync(bin, 0o755);
  for (const tool of TOOLS) {
    const found = ["/usr/bin", "/bin"].map((dir) => path.join(dir, tool)).find((file) => existsSync(file));
    if (found === undefined) throw new Error(`${tool} not found`);
    symlinkSync(found, path.join(bin, tool));
  }
  for (const [name, script] of Object.entries(fakes)) writeFileSync(path.join(bin, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return bin;
}

function runScript(bin: string, options: { unprivileged: boolean }): { status: number | null; stdout: string; stderr: string } {
  const env = { PATH: bin, SYSTEM_PACKAGES_ROOT: path.join(work, "empty-system") };
  const asRoot = process.getuid?.() === 0;
  // As root, the script would install; setpriv drops to nobody to see what a user without root gets.
  const [command, args] =
    options.unprivileged && asRoot
      ? ["/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", BASH, scriptCopy]]
      : [BASH, [scriptCopy]];
  const result = spawnSync(command, args, { env, encoding: "utf8", cwd: work });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("without root or sudo it stops at once with one line naming the command to run", () => {
  const result = runScript(binFolder(), { unprivileged: true });
  expect(result).toEqual({
    status: 1,
    stdout: "",
    stderr: `The tests need the Debian packages python3-pymongo chromium mariadb-server, and this user can install nothing (not root, no sudo without a password). ${INSTALL}\n`,
  });
});

test("when apt-get fails it stops with one line naming apt's error and the command to run", () => {
  const bin = binFolder({
    // A sudo that needs no password (used when the test does not run as root), and an apt-get whose install fails.
    sudo: '[ "$1" = "-n" ] && shift\nexec "$@"',
    "apt-get": 'case "$*" in *install*) echo "E: Unable to locate package chromium" >&2; exit 100;; esac',
  });
  const result = runScript(bin, { unprivileged: false });
  expect(result).toEqual({
    status: 1,
    stdout: "installing the Debian packages the tests need: python3-pymongo chromium mariadb-server\n",
    stderr: `The tests need the Debian packages python3-pymongo chromium mariadb-server, and apt-get failed (E: Unable to locate package chromium). ${INSTALL}\n`,
  });
});
