import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { DomainError } from "../errors";

/** The codes a client may see in `extensions.code`; anything else is replaced by INTERNAL_SERVER_ERROR. */
const CLIENT_CODES = new Set([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "BAD_USER_INPUT",
  "CONFLICT",
  "RATE_LIMITED",
  "BUDGET_EXCEEDED",
  "PROVIDER_ERROR",
  "SERVICE_UNAVAILABLE",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "QUERY_TOO_COMPLEX",
]);

interface ValidationFailure {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationFailure[];
}

/**
 * Apollo's formatError: domain errors keep their code and message, input validation becomes one readable
 * message, and every unexpected error is masked (its details are logged with the request id instead).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) {
    return { ...formatted, message: original.message, extensions: { code: original.code, ...original.details } };
  }
  // Apollo wraps validation-rule errors and overwrites their code with GRAPHQL_VALIDATION_FAILED; ours is more precise.
  const ruleError = error instanceof GraphQLError ? error.originalError : undefined;
  if (ruleError instanceof GraphQLError && ruleError.extensions?.code === "QUERY_TOO_COMPLEX") {
    return { message: formatted.message, locations: formatted.locations, extensions: { code: "QUERY_TOO_COMPLEX" } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === "string" && code === "BAD_USER_INPUT" && Array.isArray(formatted.extensions?.validationErrors)) {
    const problems = describeValidation(formatted.extensions.validationErrors as ValidationFailure[]);
    return { message: `Invalid input: ${problems.join("; ")}`, locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  if (original instanceof GraphQLError && typeof code === "string" && CLIENT_CODES.has(code)) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: "Internal server error",
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  };
}

function describeValidation(failures: ValidationFailure[], prefix = ""): string[] {
  return failures.flatMap((failure) => {
    const path = prefix ? `${prefix}.${failure.property}` : failure.property;
    const own = Object.values(failure.constraints ?? {}).map((message) =>
      message.startsWith(failure.property) ? `${prefix ? `${prefix}.` : ""}${message}` : `${path}: ${message}`,
    );
    return [...own, ...describeValidation(failure.children ?? [], path)];
  });
}

/** Errors a client is meant to see; everything else is a bug or an outage, logged by `logUnexpectedErrors`. */
export function isExpectedError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return true;
  const code = original instanceof GraphQLError ? original.extensions?.code : undefined;
  return typeof code === "string" && CLIENT_CODES.has(code);
}
