import { MAX_PAGE_SIZE } from "../db/pagination";
import { GraphQLError, Kind, type ASTVisitor, type FieldNode, type ValidationContext, type ValidationRule } from "graphql";
import { measureDocument } from "./document.measure";

/**
 * Limits checked before any resolver runs (OWASP GraphQL cheat sheet): nesting depth, aliases per document,
 * and an estimated cost where list fields multiply what they contain by their page size. Measured by
 * document.measure.ts in time linear in the document, however often its fragments are spread.
 */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

const DEFAULT_LIMITS: QueryLimits = { maxDepth: 10, maxAliases: 15, maxCost: 20_000 };

// A list field without `first` is assumed to return this many items (customer.licenses, activations, ...).
const DEFAULT_LIST_SIZE = 20;

export function queryLimitRules(limits: QueryLimits = DEFAULT_LIMITS): ValidationRule[] {
  return [(context) => limitVisitor(context, limits)];
}

function limitVisitor(context: ValidationContext, limits: QueryLimits): ASTVisitor {
  return {
    // The whole document at once: fragments are measured once and shared by all its operations.
    Document(document) {
      for (const measure of measureDocument(document, { listSize }).operations) {
        if (measure.depth > limits.maxDepth) {
          context.reportError(tooComplex(`Query is nested ${measure.depth} levels deep; the limit is ${limits.maxDepth}`));
        }
        if (measure.aliases > limits.maxAliases) {
          context.reportError(tooComplex(`Query uses ${measure.aliases} aliases; the limit is ${limits.maxAliases}`));
        }
        if (measure.cost > limits.maxCost) {
          context.reportError(
            tooComplex(`Query is too expensive (estimated cost ${measure.cost}, limit ${limits.maxCost}): ask for smaller pages`),
          );
        }
      }
      // Nothing below the document is visited by this rule.
      return false;
    },
  };
}

function listSize(field: FieldNode): number {
  const first = field.arguments?.find((argument) => argument.name.value === "first");
  if (first?.value.kind === Kind.INT) return Math.max(1, Number(first.value.value));
  // Variables are not known at validation time: price them at the largest page a client may ask for.
  if (first?.value.kind === Kind.VARIABLE) return MAX_PAGE_SIZE;
  // Connections carry `first`; their `edges` then count once. Other object fields count once unless known lists.
  return LIST_FIELDS.has(field.name.value) ? DEFAULT_LIST_SIZE : 1;
}

const LIST_FIELDS = new Set([
  "customers",
  "licenses",
  "payments",
  "activity",
  "activations",
  "plans",
  "admins",
  "usage",
  "providerKeys",
  "adjustments",
]);

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "QUERY_TOO_COMPLEX" } });
}
