import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { GraphQLError } from "graphql";
import { DomainError } from "../../errors";
import { principalFromHeaders } from "../../graphql/auth";
import { refuseOtherMethods } from "../../rest/method-not-allowed";
import type { Services } from "../../services";
import { AdminRole } from "../admins/admin.model";
import { parseDayRange } from "./analytics.dates";
import { historyCsv } from "./analytics-csv";

export const HISTORY_CSV_URL = "/api/admin/analytics/history.csv";

/** The roles that read analytics, in GraphQL (permissions.ts: isAdmin) and here. */
const ANALYTICS_ROLES: readonly AdminRole[] = [AdminRole.owner, AdminRole.admin];

const STATUS_BY_CODE: Partial<Record<DomainError["code"], number>> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403 };

/**
 * `GET /api/admin/analytics/history.csv?from=YYYY-MM-DD&to=YYYY-MM-DD[&currency=EUR]`: the daily history as CSV, for
 * admins (`Authorization: Bearer <admin token>`, as GraphQL). Refusals are JSON `{ error, code }`.
 */
export async function analyticsCsvRoute(app: FastifyInstance, options: { services: Services }): Promise<void> {
  app.get(HISTORY_CSV_URL, async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await checkAdmin(request, options.services);
      const query = request.query as Record<string, unknown>;
      const range = parseDayRange(text(query.from), text(query.to));
      const currency = text(query.currency) ?? "EUR";
      const rows = await options.services.snapshots.history(range.from, range.to, currency);
      const name = `analytics-${currency}-${text(query.from)}-${text(query.to)}.csv`;
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${name}"`)
        .send(historyCsv(rows));
    } catch (error) {
      const status = error instanceof DomainError ? STATUS_BY_CODE[error.code] : undefined;
      if (error instanceof DomainError && status !== undefined)
        return reply.code(status).send({ error: error.message, code: error.code, ...error.details });
      throw error;
    }
  });
  refuseOtherMethods(app, HISTORY_CSV_URL, ["GET"]);
}

async function checkAdmin(request: FastifyRequest, services: Services): Promise<void> {
  let principal;
  try {
    principal = await principalFromHeaders(request.headers, request.ip, services);
  } catch (error) {
    // The GraphQL gate's refusals (bad token, both credentials, lookups blocked) carry their message.
    if (error instanceof GraphQLError) throw new DomainError("UNAUTHENTICATED", error.message);
    throw error;
  }
  if (principal.kind === "anonymous") throw new DomainError("UNAUTHENTICATED", "Send an admin token: Authorization: Bearer <token>");
  if (principal.kind !== "admin" || !ANALYTICS_ROLES.includes(principal.role))
    throw new DomainError("FORBIDDEN", "Analytics are for owners and admins");
}

/** A query value as one string; an array (a repeated parameter) is refused by the day parser as it is not a day. */
function text(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : String(value);
}
