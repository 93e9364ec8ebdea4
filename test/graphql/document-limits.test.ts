import { getIntrospectionQuery, parse, visit } from "graphql";
import * as measuring from "../../src/graphql/document.measure";
import type { GraphQLResponse } from "../support/platform";
import { describeCommands, startMonitoredPlatform, type MonitoredPlatform } from "../support/monitored-platform";
import { fanOutDocument } from "../support/graphql-fan-out";

// The security review: an anonymous ~1 KB document fanning one fragment out millions of times held the event loop
// for seconds per operation, and a 10,000-level-deep document answered "Maximum call stack size exceeded".
// Both must be refused with QUERY_TOO_COMPLEX before any work, without internal text.

type ErrorList = NonNullable<GraphQLResponse["errors"]>;
const codes = (errors: ErrorList | undefined): unknown[] => (errors ?? []).map((error) => error.extensions?.code);
const messages = (errors: ErrorList | undefined): string => (errors ?? []).map((error) => error.message).join(" | ");

/** What must never reach a client: a JavaScript engine's or runtime's own words, or a path into the code. */
const INTERNAL_TEXT = /call stack|RangeError|stacktrace|node_modules|\.ts:\d+|\bat \S+ \(/i;

function astNodes(source: string): number {
  let count = 0;
  visit(parse(source), { enter: () => void count++ });
  return count;
}

/** `{ plans(x: [[[…]]]) { name } }`: two characters a level, so deep documents still fit in a URL. */
const nestedLists = (levels: number): string => `{ plans(x: ${"[".repeat(levels)}${"]".repeat(levels)}) { name } }`;
/** `{ a { a { … b } } }`: selection sets nested `levels` deep, six characters a level. */
const nestedSelections = (levels: number): string => `{ ${"a { ".repeat(levels)}b${" }".repeat(levels)} }`;

describe("documents refused before any work (security review)", () => {
  let platform: MonitoredPlatform;

  beforeAll(async () => {
    platform = await startMonitoredPlatform();
  });
  afterAll(() => platform.stop());
  afterEach(() => jest.restoreAllMocks());

  /** POSTs anonymously and returns the response, its raw body and the database commands it caused. */
  async function post(query: string) {
    const { result, commands } = await platform.commands.during(async () => {
      const response = await fetch(`${platform.baseUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      return { status: response.status, text: await response.text() };
    });
    return { ...result, body: JSON.parse(result.text) as Omit<GraphQLResponse, "status">, commands };
  }

  async function get(query: string) {
    const { result, commands } = await platform.commands.during(async () => {
      // Brackets need no escaping in a query string; left as they are, a deeper document fits in Node's 16 KB request line.
      const encoded = encodeURIComponent(query).replace(/%5B/g, "[").replace(/%5D/g, "]");
      const response = await fetch(`${platform.baseUrl}/graphql?query=${encoded}`, { headers: { "apollo-require-preflight": "true" } });
      return { status: response.status, text: await response.text() };
    });
    return { ...result, body: JSON.parse(result.text) as Omit<GraphQLResponse, "status">, commands };
  }

  /** Refused before execution: 400, no data, no database command, every error coded QUERY_TOO_COMPLEX (`errors` of them). */
  function expectTooComplex(response: Awaited<ReturnType<typeof post>>, errors = 1): void {
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(codes(response.body.errors)).toEqual(Array.from({ length: errors }, () => "QUERY_TOO_COMPLEX"));
    expect(response.text).not.toMatch(INTERNAL_TEXT);
    expect(describeCommands(response.commands)).toBe("");
  }

  describe("fragment fan-out", () => {
    it("refuses the ~1 KB document that spreads one fragment 2^20 times, measuring it in at most two steps per AST node", async () => {
      const source = fanOutDocument({ levels: 20 });
      expect(source.length).toBeLessThan(1024);
      const measure = jest.spyOn(measuring, "measureDocument");
      const response = await post(source);
      expectTooComplex(response);
      expect(messages(response.body.errors)).toMatch(/too expensive/);
      expect(measure).toHaveBeenCalledTimes(1);
      expect(measure.mock.results[0].value.work).toBeLessThanOrEqual(2 * astNodes(source));
    });

    it("refuses the same fan-out as three operations in one document, one error each, measuring the fragments once", async () => {
      const source = fanOutDocument({ levels: 20, operations: 3 });
      const measure = jest.spyOn(measuring, "measureDocument");
      const response = await post(source);
      expectTooComplex(response, 3);
      expect(measure).toHaveBeenCalledTimes(1);
      expect(measure.mock.results[0].value.work).toBeLessThanOrEqual(2 * astNodes(source));
    });
  });

  describe("documents nested beyond what the parser can take", () => {
    it.each([
      ["selection sets", nestedSelections(10_000)],
      ["list values", nestedLists(10_000)],
    ])("refuses 10,000 levels of %s (POST) with QUERY_TOO_COMPLEX and no internal text", async (_kind, source) => {
      const response = await post(source);
      expectTooComplex(response);
      expect(messages(response.body.errors)).toMatch(/nested more than 64 levels/);
    });

    it("refuses a deep document sent by GET the same way", async () => {
      // 7,000 levels: Node answers request lines beyond 16 KB itself (431); the parser already breaks at a few thousand.
      const response = await get(nestedLists(7_000));
      expectTooComplex(response);
      expect(messages(response.body.errors)).toMatch(/nested more than 64 levels/);
    });

    it("leaves a moderately deep document to the depth limit, which names the depth", async () => {
      // payments → edges → node → license, then customer → licenses seven times, then plan → name: 20 levels.
      const response = await post(
        `{ payments(first: 1) { edges { node { license { ${"customer { licenses { ".repeat(7)}plan { name }${" } }".repeat(7)} } } } } }`,
      );
      expectTooComplex(response, 2);
      expect(messages(response.body.errors)).toMatch(/nested 20 levels deep; the limit is 10 \| Query is too expensive/);
    });

    it("does not count brackets inside strings, block strings or comments", async () => {
      const braces = "{[".repeat(100);
      const response = await post(`{ licenseByKey(key: "${braces}") { id } license(id: """${braces}""") { id } } # ${braces}`);
      expect(codes(response.body.errors)).not.toContain("QUERY_TOO_COMPLEX");
      expect(codes(response.body.errors)).toContain("UNAUTHENTICATED");
    });
  });

  describe("documents too large to parse", () => {
    it("refuses more than 2,000 tokens before parsing", async () => {
      const response = await post(`{ plans { ${"name ".repeat(2_500)}} }`);
      expectTooComplex(response);
      expect(messages(response.body.errors)).toMatch(/more than 2000 tokens/);
    });

    it("refuses a document longer than 100,000 characters, even when the length is one comment", async () => {
      const response = await post(`# ${"x".repeat(100_000)}\n{ plans { name } }`);
      expectTooComplex(response);
    });

    it("lets the full introspection query through (tokens and nesting well within the limits)", async () => {
      const response = await post(getIntrospectionQuery());
      expect(response.status).toBe(200);
      expect(codes(response.body.errors)).toEqual([]);
    });
  });
});
