/**
 * The closed vocabulary of errors that services raise for callers to see. GraphQL turns them into
 * `extensions.code`, REST into `{ error, code }`. Anything else thrown is unexpected and gets masked.
 */
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_USER_INPUT"
  | "CONFLICT"
  // The AI proxy's refusals and failures (the REST routes say the same with their own codes).
  | "RATE_LIMITED"
  | "BUDGET_EXCEEDED"
  | "PROVIDER_ERROR"
  | "SERVICE_UNAVAILABLE";

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what: string): DomainError => new DomainError("NOT_FOUND", `${what} not found`);
export const badInput = (message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError("BAD_USER_INPUT", message, details);
export const conflict = (message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError("CONFLICT", message, details);
export const forbidden = (message = "Not allowed"): DomainError => new DomainError("FORBIDDEN", message);

/** MongoDB's duplicate-key error (E11000), as raised by the driver and mongoose. */
export function isDuplicateKey(error: unknown): error is Error & { keyPattern?: Record<string, unknown> } {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === 11000;
}
