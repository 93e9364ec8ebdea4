import { MAX_PAGE_SIZE } from "../db/pagination";
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

/**
 * Limits checked before any resolver runs (OWASP GraphQL cheat sheet): nesting depth, aliases per document,
 * and an estimated cost where list fields multiply what they contain by their page size.
 */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 10, maxAliases: 15, maxCost: 20_000 };

// A list field without `first` is assumed to return this many items (customer.licenses, activations, ...).
const DEFAULT_LIST_SIZE = 20;

export function queryLimitRules(limits: QueryLimits = DEFAULT_LIMITS): ValidationRule[] {
  return [(context) => limitVisitor(context, limits)];
}

function limitVisitor(context: ValidationContext, limits: QueryLimits): ASTVisitor {
  return {
    OperationDefinition(operation) {
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of context.getDocument().definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      }
      const measure = measureSelection(operation.selectionSet, fragments, 1, new Set());
      if (measure.depth > limits.maxDepth) {
        context.reportError(tooComplex(`Query is nested ${measure.depth} levels deep; the limit is ${limits.maxDepth}`));
      }
      if (measure.aliases > limits.maxAliases) {
        context.reportError(tooComplex(`Query uses ${measure.aliases} aliases; the limit is ${limits.maxAliases}`));
      }
      if (measure.cost > limits.maxCost) {
        context.reportError(tooComplex(`Query is too expensive (estimated cost ${measure.cost}, limit ${limits.maxCost}): ask for smaller pages`));
      }
    },
  };
}

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
}

function measureSelection(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, depth: number, visiting: Set<string>): Measure {
  const total: Measure = { depth, aliases: 0, cost: 0 };
  for (const selection of selectionSet.selections) {
    let inner: Measure;
    if (selection.kind === Kind.FIELD) {
      inner = measureField(selection, fragments, depth, visiting);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      inner = measureSelection(selection.selectionSet, fragments, depth, visiting);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A fragment cycle is reported by graphql's own NoFragmentCycles rule; it must not loop here.
      if (!fragment || visiting.has(name)) continue;
      inner = measureSelection(fragment.selectionSet, fragments, depth, new Set([...visiting, name]));
    }
    total.depth = Math.max(total.depth, inner.depth);
    total.aliases += inner.aliases;
    total.cost += inner.cost;
  }
  return total;
}

function measureField(field: FieldNode, fragments: Map<string, FragmentDefinitionNode>, depth: number, visiting: Set<string>): Measure {
  const alias = field.alias ? 1 : 0;
  // Introspection (GraphiQL's schema query is 15 levels deep) is governed by GRAPHQL_INTROSPECTION, not by these limits.
  if (field.name.value.startsWith("__")) return { depth, aliases: alias, cost: 0 };
  if (!field.selectionSet) return { depth, aliases: alias, cost: 1 };
  const inner = measureSelection(field.selectionSet, fragments, depth + 1, visiting);
  return { depth: inner.depth, aliases: inner.aliases + alias, cost: 1 + listSize(field) * inner.cost };
}

function listSize(field: FieldNode): number {
  const first = field.arguments?.find((argument) => argument.name.value === "first");
  if (first?.value.kind === Kind.INT) return Math.max(1, Number(first.value.value));
  // Variables are not known at validation time: price them at the largest page a client may ask for.
  if (first?.value.kind === Kind.VARIABLE) return MAX_PAGE_SIZE;
  // Connections carry `first`; their `edges` then count once. Other object fields count once unless known lists.
  return LIST_FIELDS.has(field.name.value) ? DEFAULT_LIST_SIZE : 1;
}

const LIST_FIELDS = new Set(["customers", "licenses", "payments", "activity", "activations", "plans", "admins", "usage", "providerKeys"]);

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "QUERY_TOO_COMPLEX" } });
}
