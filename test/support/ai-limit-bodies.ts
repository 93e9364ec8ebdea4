import type { Json } from "./http";

/** The bodies of POST /api/chat's limit refusals, rows 6-9 of plugin contract §6.4. */
export const MONTHLY = (limit: number): Json => ({
  error: "Monthly usage limit exceeded",
  limit,
  reset_time: "Next month",
  code: "MONTHLY_LIMIT",
});
export const MINUTE = (limit: number): Json => ({
  error: "Rate limit exceeded: too many requests per minute",
  limit,
  reset_time: "60 seconds",
  code: "MINUTE_LIMIT",
});
export const HOUR = (limit: number): Json => ({
  error: "Rate limit exceeded: too many requests per hour",
  limit,
  reset_time: "1 hour",
  code: "HOUR_LIMIT",
});
export const BUDGET = (budgetEur: number): Json => ({
  error: "Monthly budget exceeded",
  budget_eur: budgetEur,
  message: "API budget limit reached. Upgrade your plan or wait for next month.",
  reset_time: "Next month",
  code: "BUDGET_EXCEEDED",
});
