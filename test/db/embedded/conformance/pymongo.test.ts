// A second driver: pymongo runs pymongo_client.py (unique index, inserts, find, aggregate, upsert,
// transactions) against the same target and prints JSON. Needs python3 with pymongo (Debian: python3-pymongo).
import { execFile, spawnSync } from "node:child_process";
import path from "node:path";
import { startTarget, targetCapabilities, testIf, type Target } from "../../../support/engine-target";

const SCRIPT = path.join(__dirname, "pymongo_client.py");

/** The first python that can import pymongo (the PATH's python3 may be a pyenv one without Debian's packages). */
function findPython(): string | undefined {
  for (const candidate of [process.env.PYTHON, "python3", "/usr/bin/python3"]) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ["-c", "import pymongo"], { encoding: "utf8" });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

const python = findPython();
const runs = testIf(
  python !== undefined && targetCapabilities().replicaSet,
  python === undefined
    ? "no python3 can import pymongo (apt-get install python3-pymongo, or set PYTHON)"
    : "transactions need a replica set",
);

let t: Target | undefined;

beforeAll(async () => {
  if (python !== undefined) t = await startTarget("pymongo");
});
afterAll(async () => {
  await t?.stop();
});

interface PyResult {
  pymongo: string;
  index: string;
  duplicate: { code: number; keyValue: Record<string, unknown> } | null;
  found: string[];
  count: number;
  aggregate: Array<{ _id: string; total: number; n: number }>;
  upserted: boolean;
  invisibleOutside: number;
  balances: Record<string, number>;
  unknownCommand: number | null;
}

describe("pymongo", () => {
  runs(
    "pymongo creates a unique index, inserts, finds, aggregates and runs transactions",
    async () => {
      const target = t as Target;
      // Asynchronously: the embedded engine runs on this process's event loop and must keep serving meanwhile.
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(python as string, [SCRIPT, target.uri, target.dbName], { encoding: "utf8", timeout: 60_000 }, (error, out, err) =>
          error ? reject(new Error(`pymongo_client.py failed: ${error.message}\n${err}`)) : resolve(out),
        ),
      );
      const result = JSON.parse(stdout.trim().split("\n").at(-1) as string) as PyResult;
      expect(result.index).toBe("email_1");
      expect(result.duplicate).toEqual({ code: 11000, keyValue: { email: "a@x.io" } });
      expect(result.found).toEqual(["c@x.io", "a@x.io"]);
      expect(result.count).toBe(2);
      expect(result.aggregate).toEqual([
        { _id: "blue", total: 25, n: 1 },
        { _id: "red", total: 73, n: 2 },
      ]);
      expect(result.upserted).toBe(true);
      expect(result.invisibleOutside).toBe(0);
      expect(result.balances).toEqual({ alice: 60, bob: 40 });
      expect(result.unknownCommand).toBe(59);
      // What pymongo wrote is what the Node driver reads.
      const people = target.db().collection("people");
      expect(await people.countDocuments()).toBe(4);
      expect((await people.findOne({ email: "d@x.io" }))?.age).toBe(1);
    },
    60_000,
  );
});
