import { json, type OperationDoc } from "./doc.types";
import { object } from "./plugin.schemas";

// GET /api/admin/analytics/history.csv (modules/analytics/analytics-csv.route.ts; columns in the README "Analytics").

const DAY = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "a UTC day, YYYY-MM-DD" };
const REFUSAL = object({ error: { type: "string" }, code: { enum: ["BAD_USER_INPUT", "UNAUTHENTICATED", "FORBIDDEN"] } }, [
  "error",
  "code",
]);

export const analyticsHistoryCsv: OperationDoc = {
  operationId: "getAnalyticsHistoryCsv",
  summary: "Daily analytics history as CSV",
  description:
    "One line per UTC day from `from` to `to` (at most 3 years; days after today left out), from the daily snapshots; " +
    "days without one are computed. Money of `currency` as decimal strings with 2 decimals. Owners and admins only.",
  tags: ["admin"],
  security: [{ adminToken: [] }],
  querystring: object(
    { from: DAY, to: DAY, currency: { type: "string", pattern: "^[A-Z]{3}$", default: "EUR", description: "ISO 4217" } },
    ["from", "to"],
  ),
  response: {
    200: {
      description: "The CSV: a header row, then one line per day",
      content: {
        "text/csv": {
          schema: { type: "string" },
          example:
            "date,complete,source,currency,mrr,arr,active_subscribers,arpa,…\n2026-11-09,true,snapshot,EUR,205.03,2460.36,6,34.17,…\n",
        },
      },
    },
    400: {
      description: "A missing or malformed day, from after to, a range over 3 years, or a bad currency",
      content: json(REFUSAL, {
        error: 'from must be a UTC day YYYY-MM-DD (e.g. 2026-11-01), got "2026-02-30"',
        code: "BAD_USER_INPUT",
        argument: "from",
      }),
    },
    401: {
      description: "No admin token, or not a valid one",
      content: json(REFUSAL, { error: "Invalid or revoked admin token", code: "UNAUTHENTICATED" }),
    },
    403: {
      description: "A token of another role",
      content: json(REFUSAL, { error: "Analytics are for owners and admins", code: "FORBIDDEN" }),
    },
  },
};
