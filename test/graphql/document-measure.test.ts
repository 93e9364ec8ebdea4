import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Kind, parse, visit, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";
import { measureDocument, SATURATED, type Measure } from "../../src/graphql/document.measure";
import { fanOutDocument } from "../support/graphql-fan-out";

// The security review: measuring depth, aliases and cost re-walked a fragment at every spread, so a 1 KB document
// cost millions of steps per operation. These tests count the measurement's steps instead of timing it.

/** A pricing of its own, so these tests do not move when the production list sizes do. */
function listSize(field: FieldNode): number {
  const first = field.arguments?.find((argument) => argument.name.value === "first");
  if (first?.value.kind === Kind.INT) return Number(first.value.value);
  return field.name.value === "plans" || field.name.value === "licenses" ? 20 : 1;
}

const measure = (source: string) => measureDocument(parse(source), { listSize });
const measures = (source: string): Measure[] => measure(source).operations.map(({ depth, aliases, cost }) => ({ depth, aliases, cost }));

function astNodes(source: string): number {
  let count = 0;
  visit(parse(source), { enter: () => void count++ });
  return count;
}

/** F0 = `plans { name }` costs 1 + 20 × 1. */
const F0_COST = 21;

describe("measuring a document in time linear in its size", () => {
  it("measures the review's fan-out document (2^20 copies of F0) in at most two steps per AST node", () => {
    const source = fanOutDocument({ levels: 20 });
    const result = measure(source);
    expect(result.operations.map(({ cost }) => cost)).toEqual([F0_COST * 2 ** 20]);
    expect(result.work).toBeLessThanOrEqual(2 * astNodes(source));
  });

  it("measures each fragment once for all operations: three operations cost three spreads more, not three walks", () => {
    const one = fanOutDocument({ levels: 20 });
    const three = fanOutDocument({ levels: 20, operations: 3 });
    const result = measure(three);
    expect(result.operations.map(({ cost }) => cost)).toEqual([F0_COST * 2 ** 20, F0_COST * 2 ** 20, F0_COST * 2 ** 20]);
    expect(result.work).toBeLessThanOrEqual(2 * astNodes(three));
    expect(result.work - measure(one).work).toBeLessThanOrEqual(2 * 2);
  });

  it("measures a document that a naive walk would expand 2^40 times, exactly", () => {
    const source = fanOutDocument({ levels: 40 });
    const result = measure(source);
    expect(result.operations[0]).toMatchObject({ depth: 2, aliases: 0, cost: F0_COST * 2 ** 40 });
    expect(result.work).toBeLessThanOrEqual(2 * astNodes(source));
  });

  it.each([
    ["2^60 copies", { levels: 60 }],
    ["10^300 copies", { levels: 300, spreads: 10 }],
  ])("saturates counts beyond exact arithmetic (%s) instead of overflowing to Infinity or NaN", (_name, shape) => {
    const source = fanOutDocument(shape);
    const result = measure(source);
    expect(result.operations[0]).toMatchObject({ depth: 2, cost: SATURATED });
    expect(result.work).toBeLessThanOrEqual(2 * astNodes(source));
  });

  it("saturates a page size too large for a double rather than pricing it as NaN", () => {
    expect(measures(`{ plans(first: ${"9".repeat(400)}) { name } }`)).toEqual([{ depth: 2, aliases: 0, cost: SATURATED }]);
  });

  it("counts an alias inside a fragment once per copy of the fragment", () => {
    const source = fanOutDocument({ levels: 4 }).replace("{ plans { name } }", "{ p: plans { name } }");
    expect(measures(source)).toEqual([{ depth: 2, aliases: 2 ** 4, cost: F0_COST * 2 ** 4 }]);
    expect(measures(fanOutDocument({ levels: 70 }).replace("{ plans { name } }", "{ p: plans { name } }"))[0].aliases).toBe(SATURATED);
  });

  it("adds the depth below a spread to the depth of the spread, through a chain of 20,000 fragments, without recursion", () => {
    const levels = 20_000;
    const chain = Array.from({ length: levels }, (_, i) => `fragment F${i + 1} on T { a { ...F${i} } }`);
    const source = [`{ ...F${levels} }`, `fragment F0 on T { leaf }`, ...chain].join("\n");
    expect(measures(source)).toEqual([{ depth: levels + 1, aliases: 0, cost: levels + 1 }]);
  });

  it("ends on fragment cycles and unknown fragments, which graphql's own rules report", () => {
    const result = measures(`{ ...A } fragment A on Query { plans { name } ...B } fragment B on Query { ...A ...Missing plans { name } }`);
    expect(result).toHaveLength(1);
    expect(result[0].cost).toBe(2 * F0_COST);
  });
});

/** The former measurement: expands every spread. Correct, and exponential; used here as the reference on small documents. */
function expandingMeasure(document: DocumentNode): Measure[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const walk = (set: SelectionSetNode, depth: number): Measure => {
    const total: Measure = { depth, aliases: 0, cost: 0 };
    for (const selection of set.selections) {
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        const alias = selection.alias ? 1 : 0;
        if (selection.name.value.startsWith("__")) inner = { depth, aliases: alias, cost: 0 };
        else if (!selection.selectionSet) inner = { depth, aliases: alias, cost: 1 };
        else {
          const below = walk(selection.selectionSet, depth + 1);
          inner = { depth: below.depth, aliases: below.aliases + alias, cost: 1 + listSize(selection) * below.cost };
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = walk(selection.selectionSet, depth);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment) continue;
        inner = walk(fragment.selectionSet, depth);
      }
      total.depth = Math.max(total.depth, inner.depth);
      total.aliases += inner.aliases;
      total.cost += inner.cost;
    }
    return total;
  };
  return document.definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION ? [walk(definition.selectionSet, 1)] : [],
  );
}

describe("agreement with expanding every spread", () => {
  const operationsDir = join(__dirname, "../../schema/operations");
  const sharedFragments = readFileSync(join(operationsDir, "fragments.graphql"), "utf8");
  const dashboard = readdirSync(operationsDir)
    .filter((file) => file.endsWith(".graphql") && file !== "fragments.graphql")
    .map((file): [string, string] => [`the dashboard's ${file}`, `${readFileSync(join(operationsDir, file), "utf8")}\n${sharedFragments}`]);

  it.each<[string, string]>([
    ["fragments at several depths", `{ a { b { ...D } ...D } ...D } fragment D on X { c { d { e } } f: g }`],
    [
      "nested fragments under lists",
      `{ customers(first: 5) { edges { node { ...C } } } } fragment C on Customer { email a: licenses { ...L b: status } } fragment L on License { status plan { name ... on Plan { c: displayName } } }`,
    ],
    [
      "introspection and several operations",
      `query A { ...Q x: plans { __typename t: __typename } } query B { y: __schema { types { name } } ...Q } fragment Q on Query { licenses(first: 3) { edges { node { ...L } } } } fragment L on License { status plan { name } }`,
    ],
    ["a small fan-out, three spreads per level, two operations", fanOutDocument({ levels: 6, spreads: 3, operations: 2 })],
    ["a fragment spread twice in one selection", `{ plans { ...P ...P } } fragment P on Plan { n: name allowedModels { provider } }`],
    ...dashboard,
  ])("%s", (_name, source) => {
    expect(measures(source)).toEqual(expandingMeasure(parse(source)));
  });
});
