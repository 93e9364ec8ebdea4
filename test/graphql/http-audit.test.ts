import { serverAudits, type AuditResult } from "graphql-http";
import { startTestPlatform, type TestPlatform } from "../support/platform";

// Issue item 9: the GraphQL-over-HTTP audit of the graphql-http package passes all MUST items against /graphql.

let platform: TestPlatform | undefined;

// The URL is read when each audit runs, so the list can be built now and the server started in beforeAll.
const audits = serverAudits({
  url: () => {
    if (!platform) throw new Error("the platform is not started");
    return `${platform.baseUrl}/graphql`;
  },
  fetchFn: fetch,
});
const mustAudits = audits.filter((audit) => audit.name.startsWith("MUST "));

describe("GraphQL over HTTP audit (graphql-http)", () => {
  const results = new Map<string, AuditResult>();

  beforeAll(async () => {
    platform = await startTestPlatform();
    for (const audit of audits) {
      try {
        results.set(audit.id, await audit.fn());
      } catch (error) {
        // An audit throws only when it cannot run at all; that counts as a failure of its requirement.
        results.set(audit.id, {
          id: audit.id,
          name: audit.name,
          status: "error",
          reason: `audit threw: ${String(error)}`,
          response: new Response(),
        });
      }
    }
  });
  afterAll(() => platform?.stop());

  it("has MUST items to check", () => {
    expect(mustAudits.length).toBeGreaterThan(0);
  });

  it.each(mustAudits.map((audit) => [audit.id, audit.name] as const))("%s %s", (id) => {
    const result = results.get(id);
    expect(result).toBeDefined();
    const outcome = result?.status === "ok" ? "ok" : `${result?.status}: ${result?.reason}`;
    expect(outcome).toBe("ok");
  });

  it("reports the SHOULD and MAY items (informational)", () => {
    const all = [...results.values()];
    expect(all).toHaveLength(audits.length);
    const count = (status: AuditResult["status"]): number => all.filter((result) => result.status === status).length;
    const notOk = all
      .filter((result) => result.status !== "ok")
      .map((result) => `  ${result.status} ${result.id} ${result.name}: ${"reason" in result ? result.reason : ""}`);
    console.log(
      `graphql-http audit: ${count("ok")}/${all.length} ok, ${count("error")} errors (MUST), ${count("warn")} warnings (SHOULD), ${count("notice")} notices (MAY)\n${notOk.join("\n")}`,
    );
    expect(count("error")).toBe(0);
  });
});
