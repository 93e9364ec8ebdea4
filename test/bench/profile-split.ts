/**
 * Splits a V8 CPU profile (.cpuprofile, from `node --cpu-prof` or the inspector) by component: our code per
 * module, mongoose, the MongoDB driver + BSON, the embedded engine, Fastify, the provider SDK, pino, Node's core
 * (http, net, streams), GC, idle. A sample counts for the function it was taken in (self time); a sample in a
 * function without a script (a V8 builtin such as JSON.stringify, or native code) counts for the nearest caller
 * that has one, so `JSON.parse` called by the driver is the driver's. A second column also counts Node core's own
 * code for its caller (see splitProfile).
 *
 *   node .bench-build/test/bench/profile-split.js <file.cpuprofile>   (prints the table)
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SplitRow {
  component: string;
  /** Self time (builtins and native code counted for their caller). */
  ms: number;
  /** Self time with Node core's own code counted for its caller outside Node core. */
  withCoreMs: number;
}

const GROUPS: Array<[string, string[]]> = [
  ["mongoose (+ typegoose)", ["mongoose", "@typegoose/typegoose", "mpath", "mquery", "kareem", "sift"]],
  ["MongoDB driver + BSON", ["mongodb", "bson", "mongodb-connection-string-url", "@mongodb-js/saslprep"]],
  ["embedded engine: mingo", ["mingo"]],
  [
    "Fastify",
    [
      "fastify",
      "find-my-way",
      "avvio",
      "light-my-request",
      "fast-json-stringify",
      "fast-querystring",
      "fastify-plugin",
      "secure-json-parse",
      "abstract-logging",
      "toad-cache",
      "rfdc",
      "process-warning",
      "fast-uri",
      "ajv",
      "safe-regex2",
      "ret",
      "content-type",
      "fast-decode-uri-component",
      "json-schema-ref-resolver",
    ],
  ],
  ["provider SDK (openai)", ["openai"]],
  [
    "pino",
    [
      "pino",
      "sonic-boom",
      "thread-stream",
      "pino-std-serializers",
      "fast-redact",
      "on-exit-leak-free",
      "atomic-sleep",
      "quick-format-unescaped",
    ],
  ],
];

function packageOf(url: string): string | undefined {
  const at = url.lastIndexOf("/node_modules/");
  if (at < 0) return undefined;
  const parts = url.slice(at + "/node_modules/".length).split("/");
  return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** The component of a script URL, or undefined for a frame without a script (builtins, native code). */
export function componentOf(url: string): string | undefined {
  if (url === "") return undefined;
  const pkg = packageOf(url);
  if (pkg !== undefined) {
    if (pkg.startsWith("@fastify/")) return "Fastify";
    for (const [group, names] of GROUPS) if (names.includes(pkg)) return group;
    return `other package: ${pkg}`;
  }
  // The inspector session that takes the profile (test/bench/profile.ts): the profiler's own cost, not the platform's.
  if (url === "node:inspector") return "the profiler itself (node:inspector)";
  if (url.startsWith("node:")) return "Node core (http, net, streams, timers)";
  const src = url.match(/\/src\/(.+)$/);
  if (src) {
    const parts = src[1].split("/");
    if (parts[0] === "db" && parts[1] === "embedded") return "embedded engine (src/db/embedded)";
    if (parts[0] === "modules" && parts.length > 2) return `our code: modules/${parts[1]}`;
    return `our code: ${parts.length > 1 ? parts[0] : parts[0].replace(/\.[jt]s$/, "")}`;
  }
  if (url.includes("/test/")) return "benchmark harness (test/)";
  return `other: ${url.slice(-60)}`;
}

const SPECIAL = new Map([
  ["(garbage collector)", "GC"],
  ["(idle)", "idle"],
  ["(program)", "V8 / native, no JS frame (program)"],
]);
const NODE_CORE = "Node core (http, net, streams, timers)";
const NO_CALLER = "V8 / native, no JS caller";

/**
 * Milliseconds per component, largest first, in two attributions: `selfMs` (a sample counts for the function it
 * was taken in; builtins and native code for their nearest caller with a script), and `withCoreMs` (the same, but
 * Node core's own code also counts for its nearest caller outside Node core, so socket writes the driver makes are
 * the driver's; Node core keeps only what no other code called: the event loop reading sockets, the HTTP parser).
 */
export function splitProfile(profile: CpuProfile): SplitRow[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const resolver = (passThroughCore: boolean): ((id: number) => string) => {
    const memo = new Map<number, string>();
    const resolve = (id: number): string => {
      const known = memo.get(id);
      if (known !== undefined) return known;
      const node = byId.get(id);
      let component: string | undefined;
      if (!node || node.callFrame.functionName === "(root)") component = NO_CALLER;
      else component = SPECIAL.get(node.callFrame.functionName) ?? componentOf(node.callFrame.url);
      if (component === undefined || (passThroughCore && component === NODE_CORE)) {
        const up = parent.get(id);
        const above = up === undefined ? NO_CALLER : resolve(up);
        component = above === NO_CALLER ? (component ?? NO_CALLER) : above;
      }
      memo.set(id, component);
      return component;
    };
    return resolve;
  };
  const self = resolver(false);
  const withCore = resolver(true);
  const totals = new Map<string, SplitRow>();
  const row = (component: string): SplitRow => {
    let found = totals.get(component);
    if (!found) totals.set(component, (found = { component, ms: 0, withCoreMs: 0 }));
    return found;
  };
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    row(self(id)).ms += ms;
    row(withCore(id)).withCoreMs += ms;
  });
  return [...totals.values()].sort((a, b) => b.withCoreMs - a.withCoreMs);
}

/** A Markdown table: ms and % of busy time (all but idle) in both attributions, and µs per request when given. */
export function formatSplit(rows: SplitRow[], requests?: number): string {
  const total = rows.reduce((sum, row) => sum + row.ms, 0);
  const busy = rows.filter((row) => row.component !== "idle").reduce((sum, row) => sum + row.ms, 0);
  const percent = (ms: number): string => ((100 * ms) / busy).toFixed(1);
  const perRequest = (ms: number): string => (requests ? ` ${((1000 * ms) / requests).toFixed(0)} |` : "");
  const lines = [
    `| component | self ms | self % of busy | with Node core it calls, ms | % of busy |${requests ? " µs per request (with core) |" : ""}`,
    `|---|---:|---:|---:|---:|${requests ? "---:|" : ""}`,
  ];
  for (const row of rows) {
    if (row.component === "idle") continue;
    lines.push(
      `| ${row.component} | ${row.ms.toFixed(0)} | ${percent(row.ms)} | ${row.withCoreMs.toFixed(0)} | ${percent(row.withCoreMs)} |${perRequest(row.withCoreMs)}`,
    );
  }
  lines.push(`| **busy (all but idle)** | ${busy.toFixed(0)} | 100 | ${busy.toFixed(0)} | 100 |${perRequest(busy)}`);
  const idle = total - busy;
  lines.push(`| idle (not in busy) | ${idle.toFixed(0)} | ${((100 * idle) / total).toFixed(1)} % of all | | | |`);
  return lines.join("\n");
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: node profile-split.js <file.cpuprofile> [requests]");
    process.exitCode = 2;
  } else {
    const requests = process.argv[3] ? Number(process.argv[3]) : undefined;
    console.log(formatSplit(splitProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile), requests));
  }
}
