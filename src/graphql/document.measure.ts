import { Kind, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from "graphql";

/**
 * Depth, aliases and estimated cost of every operation in a document, in time linear in the document's size.
 *
 * A fragment can be spread many times, and spread inside fragments that are themselves spread many times: a 1 KB
 * document can stand for 2^40 selections. So nothing here expands a spread. Each definition (fragment or operation)
 * is walked once, recording its own fields and, for each spread, where it sits (depth, list multiplier); then every
 * fragment's total is combined from its spreads' totals, each fragment once, and operations reuse those totals.
 */
export interface Measure {
  /** Levels of nesting; a top-level leaf is 1. */
  depth: number;
  /**
   * Aliases as executed: an alias inside a fragment spread N times counts N times, since each spread is another
   * copy of the aliased field (the amplification the alias limit exists for).
   */
  aliases: number;
  /** Fields, each multiplied by the page sizes of the list fields it sits in. */
  cost: number;
}

export interface OperationMeasure extends Measure {
  operation: OperationDefinitionNode;
}

export interface DocumentMeasure {
  operations: OperationMeasure[];
  /** Selections visited plus spreads combined: at most twice the document's selections, whatever they expand to. */
  work: number;
}

export interface MeasureOptions {
  /** How many items a field with a selection set is assumed to return (1 for a plain object field). */
  listSize(field: FieldNode): number;
}

// Counts can be astronomically large (2^n for n nested fan-outs, page sizes like 1e30); they stop here, exact below,
// so comparisons with a limit stay meaningful and no Infinity or NaN reaches a message.
export const SATURATED = Number.MAX_SAFE_INTEGER;
const add = (a: number, b: number): number => Math.min(SATURATED, a + b);
const multiply = (a: number, b: number): number => Math.min(SATURATED, a * b);

interface Spread {
  name: string;
  /** Levels between the definition's top and the spread. */
  depth: number;
  /** Product of the list sizes of the fields enclosing the spread within its definition. */
  multiplier: number;
}

/** What one definition holds by itself, depth relative to its top level (0 for its top-level fields). */
interface Summary {
  depth: number;
  aliases: number;
  cost: number;
  spreads: Spread[];
}

export function measureDocument(document: DocumentNode, options: MeasureOptions): DocumentMeasure {
  const counter = { work: 0 };
  const fragments = new Map<string, Summary>();
  const operations: Array<{ operation: OperationDefinitionNode; summary: Summary }> = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      // A duplicate name is reported by UniqueFragmentNames; the first definition stands.
      if (!fragments.has(definition.name.value)) fragments.set(definition.name.value, summarize(definition.selectionSet, options, counter));
    } else if (definition.kind === Kind.OPERATION_DEFINITION) {
      operations.push({ operation: definition, summary: summarize(definition.selectionSet, options, counter) });
    }
  }
  const totals = totalFragments(fragments, counter);
  return {
    operations: operations.map(({ operation, summary }) => {
      const total = combine(summary, totals, counter);
      return { operation, depth: add(1, total.depth), aliases: total.aliases, cost: total.cost };
    }),
    work: counter.work,
  };
}

/** One walk of a definition's own selections. Recursion follows the text's nesting, which the parser has already survived. */
function summarize(selectionSet: SelectionSetNode, options: MeasureOptions, counter: { work: number }): Summary {
  const summary: Summary = { depth: 0, aliases: 0, cost: 0, spreads: [] };
  const walk = (set: SelectionSetNode, depth: number, multiplier: number): void => {
    for (const selection of set.selections) {
      counter.work++;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        summary.spreads.push({ name: selection.name.value, depth, multiplier });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, multiplier);
      } else {
        if (selection.alias) summary.aliases = add(summary.aliases, 1);
        // Introspection (GraphiQL's schema query is 15 levels deep) is governed by GRAPHQL_INTROSPECTION, not by these limits.
        if (selection.name.value.startsWith("__")) continue;
        summary.cost = add(summary.cost, multiplier);
        if (!selection.selectionSet) continue;
        summary.depth = Math.max(summary.depth, depth + 1);
        walk(selection.selectionSet, depth + 1, multiply(multiplier, pageSize(options.listSize(selection))));
      }
    }
  };
  walk(selectionSet, 0, 1);
  return summary;
}

// A size that is not a finite number (a page size too long for a double) is priced as the largest there is, never as NaN.
function pageSize(size: number): number {
  return Number.isFinite(size) ? Math.max(1, size) : SATURATED;
}

/**
 * Every fragment's total, each computed once, in dependency order with an explicit stack: a chain of thousands of
 * fragments spreading one another must not exhaust the call stack. A spread of a fragment that is still being
 * totalled (a cycle, reported by NoFragmentCycles) or of an unknown one (KnownFragmentNames) adds nothing.
 */
function totalFragments(summaries: Map<string, Summary>, counter: { work: number }): Map<string, Measure> {
  const totals = new Map<string, Measure>();
  const open = new Set<string>();
  for (const root of summaries.keys()) {
    if (totals.has(root)) continue;
    const stack: Array<{ name: string; next: number }> = [{ name: root, next: 0 }];
    open.add(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const summary = summaries.get(frame.name) as Summary;
      const spread = summary.spreads[frame.next];
      if (spread) {
        frame.next++;
        if (summaries.has(spread.name) && !totals.has(spread.name) && !open.has(spread.name)) {
          open.add(spread.name);
          stack.push({ name: spread.name, next: 0 });
        }
        continue;
      }
      totals.set(frame.name, combine(summary, totals, counter));
      open.delete(frame.name);
      stack.pop();
    }
  }
  return totals;
}

/** A definition's own measure plus its spreads' totals (each spread adds its fragment once per occurrence). */
function combine(summary: Summary, totals: Map<string, Measure>, counter: { work: number }): Measure {
  const total: Measure = { depth: summary.depth, aliases: summary.aliases, cost: summary.cost };
  for (const spread of summary.spreads) {
    counter.work++;
    const fragment = totals.get(spread.name);
    if (!fragment) continue;
    total.depth = Math.max(total.depth, add(spread.depth, fragment.depth));
    total.aliases = add(total.aliases, fragment.aliases);
    total.cost = add(total.cost, multiply(spread.multiplier, fragment.cost));
  }
  return total;
}
