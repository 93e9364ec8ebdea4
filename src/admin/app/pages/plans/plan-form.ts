import type { PlanFieldsFragment, UpdatePlanInput } from "../../api/operations";

/**
 * The plan editor's fields as text (what the form shows) and back: integers stay integers, money is typed in its
 * unit (euros) and sent in the API's (cents, micro-euros) without ever going through a float.
 */

export interface PlanField {
  name: keyof PlanFormValues;
  label: string;
  hint: string;
}

export interface PlanFormValues {
  priceCents: string;
  maxSites: string;
  monthlyRequests: string;
  requestsPerMinute: string;
  requestsPerHour: string;
  monthlyBudgetMicros: string;
  maxTokens: string;
  costPer1kTokensMicros: string;
  allowedModels: string;
  lifetimeLimit: string;
  isActive: string;
}

export const LIMIT_FIELDS: PlanField[] = [
  { name: "priceCents", label: "Price", hint: "list price in the plan's currency, e.g. 29.00" },
  { name: "maxSites", label: "Max sites", hint: "-1 = unlimited" },
  { name: "monthlyRequests", label: "Monthly requests", hint: "0 = unlimited" },
  { name: "requestsPerMinute", label: "Requests per minute", hint: "0 = unlimited" },
  { name: "requestsPerHour", label: "Requests per hour", hint: "0 = unlimited" },
  { name: "monthlyBudgetMicros", label: "Monthly AI budget (EUR)", hint: "0 = unlimited, up to 6 decimals" },
  { name: "maxTokens", label: "Max tokens per request", hint: "1 to 1,000,000" },
  { name: "costPer1kTokensMicros", label: "Cost per 1k tokens (EUR)", hint: "for models missing from the price table, up to 6 decimals" },
];

/** "12.5" with 2 digits → 1250; null when it is not a plain non-negative decimal with at most `digits` decimals. */
export function parseDecimal(text: string, digits: number): number | null {
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(text.trim());
  if (!match) return null;
  const fraction = match[2] ?? "";
  if (fraction.length > digits) return null;
  const value = Number(match[1] + fraction.padEnd(digits, "0"));
  return Number.isSafeInteger(value) ? value : null;
}

/** 1250 with 2 digits → "12.50". */
export function formatDecimal(value: number, digits: number): string {
  const sign = value < 0 ? "-" : "";
  const text = String(Math.abs(value)).padStart(digits + 1, "0");
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** "4.000000" → "4.00", "0.001500" → "0.0015": easier to read, parsed back to the same value. */
function trimZeros(text: string): string {
  return text.replace(/(\.\d\d\d*?)0+$/, "$1");
}

function parseInteger(text: string): number | null {
  return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

/** "openai: gpt-4o, gpt-4o-mini" per line, as the API's list of allowances. */
export function formatModels(allowed: PlanFieldsFragment["allowedModels"]): string {
  return allowed.map((entry) => `${entry.provider}: ${entry.models.join(", ")}`).join("\n");
}

export function parseModels(text: string): Array<{ provider: string; models: string[] }> | string {
  const entries: Array<{ provider: string; models: string[] }> = [];
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line) continue;
    const match = /^([a-z0-9_-]+)\s*:\s*(.*)$/i.exec(line);
    if (!match) return `Allowed models, line ${index + 1}: write "provider: model, model" (e.g. "openai: gpt-4o-mini")`;
    const models = (match[2] ?? "")
      .split(",")
      .map((model) => model.trim())
      .filter(Boolean);
    entries.push({ provider: (match[1] ?? "").toLowerCase(), models });
  }
  return entries;
}

export function initialValues(plan: PlanFieldsFragment): PlanFormValues {
  return {
    priceCents: formatDecimal(plan.priceCents, 2),
    maxSites: String(plan.maxSites),
    monthlyRequests: String(plan.monthlyRequests),
    requestsPerMinute: String(plan.requestsPerMinute),
    requestsPerHour: String(plan.requestsPerHour),
    monthlyBudgetMicros: trimZeros(formatDecimal(plan.monthlyBudgetMicros, 6)),
    maxTokens: String(plan.maxTokens),
    costPer1kTokensMicros: trimZeros(formatDecimal(plan.costPer1kTokensMicros, 6)),
    allowedModels: formatModels(plan.allowedModels),
    lifetimeLimit: plan.lifetimeLimit === null || plan.lifetimeLimit === undefined ? "" : String(plan.lifetimeLimit),
    isActive: plan.isActive ? "on" : "",
  };
}

export interface Validated {
  /** Only the fields that differ from the plan. */
  input: UpdatePlanInput;
  errors: Partial<Record<keyof PlanFormValues, string>>;
  /** Human lines: "Max sites: 3 → 5". */
  changes: string[];
}

/** Checks every field (integers ≥ 0 and the rest) and collects what changed; nothing is sent while an error stands. */
export function validate(plan: PlanFieldsFragment, values: PlanFormValues): Validated {
  const before = initialValues(plan);
  const errors: Validated["errors"] = {};
  const input: UpdatePlanInput = {};
  const changes: string[] = [];
  const label = (name: keyof PlanFormValues) => LIMIT_FIELDS.find((field) => field.name === name)?.label ?? name;
  const changed = (name: keyof PlanFormValues) => values[name].trim() !== before[name];

  function integer(name: "maxSites" | "monthlyRequests" | "requestsPerMinute" | "requestsPerHour" | "maxTokens", min: number, max: number) {
    const value = parseInteger(values[name]);
    if (value === null || value < min || value > max) {
      const range = max === 2_147_483_647 ? `${min} or more` : `from ${min} to ${max.toLocaleString()}`;
      errors[name] = `${label(name)} must be a whole number ${range}${name === "maxSites" ? " (-1 = unlimited)" : ""}.`;
      return;
    }
    if (changed(name)) {
      input[name] = value;
      changes.push(`${label(name)}: ${before[name]} → ${value}`);
    }
  }
  function money(name: "priceCents" | "monthlyBudgetMicros" | "costPer1kTokensMicros", digits: number) {
    const value = parseDecimal(values[name], digits);
    if (value === null) {
      errors[name] = `${label(name)} must be an amount of 0 or more with at most ${digits} decimals.`;
      return;
    }
    if (value !== parseDecimal(before[name], digits)) {
      input[name] = value;
      changes.push(`${label(name)}: ${before[name]} → ${formatDecimal(value, digits)}`);
    }
  }

  money("priceCents", 2);
  integer("maxSites", -1, 2_147_483_647);
  integer("monthlyRequests", 0, 2_147_483_647);
  integer("requestsPerMinute", 0, 2_147_483_647);
  integer("requestsPerHour", 0, 2_147_483_647);
  money("monthlyBudgetMicros", 6);
  integer("maxTokens", 1, 1_000_000);
  money("costPer1kTokensMicros", 6);

  const models = parseModels(values.allowedModels);
  if (typeof models === "string") errors.allowedModels = models;
  else if (formatModels(models) !== before.allowedModels) {
    input.allowedModels = models;
    changes.push(`Allowed models: ${formatModels(models).replace(/\n/g, "; ") || "none"}`);
  }

  if (values.lifetimeLimit.trim() !== "" || before.lifetimeLimit !== "") {
    const limit = parseInteger(values.lifetimeLimit);
    if (limit === null || limit < 0) errors.lifetimeLimit = "The lifetime cap must be a whole number, 0 or more.";
    else if (String(limit) !== before.lifetimeLimit) {
      input.lifetimeLimit = limit;
      changes.push(`Lifetime cap: ${before.lifetimeLimit || "none"} → ${limit}`);
    }
  }

  if (values.isActive !== before.isActive) {
    input.isActive = values.isActive === "on";
    changes.push(input.isActive ? "Active: the plan is offered again" : "Inactive: the plan is no longer offered");
  }
  return { input, errors, changes };
}
