import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { cliOn, type CliResult } from "../support/cli-process";
import { startSharedDatabase, type SharedDatabase } from "../support/platform-process";
import { novemberCsv, writeScenario } from "./analytics-scenario";

let shared: SharedDatabase;
let cli: (...args: string[]) => Promise<CliResult>;
let dir: string;

beforeAll(async () => {
  shared = await startSharedDatabase();
  await writeScenario(shared.services);
  cli = cliOn(shared);
  dir = await mkdtemp(path.join(os.tmpdir(), "chatello-analytics-"));
  // The first test to need dist/ builds it (tens of seconds on a busy machine).
}, 180_000);
afterAll(async () => {
  await shared?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("platform analytics:export", () => {
  it("prints the history as CSV on stdout, progress on stderr (no snapshot stored: every day computed)", async () => {
    const result = await cli("analytics:export", "--from", "2026-11-09", "--to", "2026-11-10");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(novemberCsv("computed"));
    expect(result.stderr).toContain("2 days: 0 from snapshots, 2 computed.");
  });

  it("writes the CSV to --output", async () => {
    const file = path.join(dir, "november.csv");
    const result = await cli("analytics:export", "--from", "2026-11-09", "--to", "2026-11-10", "--currency", "EUR", "--output", file);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("");
    expect(await readFile(file, "utf8")).toBe(novemberCsv("computed"));
    expect(result.stderr).toContain(`Wrote ${file}.`);
  });

  it("refuses bad input with exit code 1 and one line", async () => {
    const cases: Array<[string[], string]> = [
      [["--from", "2026-02-30", "--to", "2026-11-30"], 'Error: from must be a UTC day YYYY-MM-DD (e.g. 2026-11-01), got "2026-02-30"'],
      [["--from", "2026-11-30", "--to", "2026-11-01"], "Error: from (2026-11-30) is after to (2026-11-01)"],
      [["--from", "2020-01-01", "--to", "2026-11-30"], "Error: The range is 2526 days; at most 1098 days (3 years) at once"],
      [
        ["--from", "2026-11-01", "--to", "2026-11-30", "--currency", "euro"],
        "Error: currency must be a 3-letter ISO 4217 code in upper case, e.g. EUR",
      ],
      [
        ["--from", "2026-11-01", "--to", "2026-11-02", "--output", path.join(dir, "missing", "x.csv")],
        `Error: Cannot write ${path.join(dir, "missing", "x.csv")}: ENOENT: no such file or directory, open '${path.join(dir, "missing", "x.csv")}'`,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await cli("analytics:export", ...args);
      expect({ args, status: result.status, stdout: result.stdout }).toEqual({ args, status: 1, stdout: "" });
      // One line: the error (a progress line precedes it only when the database was reached).
      const errorLines = result.stderr.split("\n").filter((line) => line.startsWith("Error"));
      expect(errorLines).toEqual([message]);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
