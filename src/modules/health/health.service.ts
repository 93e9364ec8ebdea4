import mongoose, { type Connection } from "mongoose";
import type { Database, DatabaseType } from "../../db/connect";

const HEALTH_CHECK_TIMEOUT_MS = 1500;

// The labels the plugin REST contract (§6.2) fixes for `database.type`.
const DATABASE_LABELS: Record<DatabaseType, string> = { embedded: "MongoDB (embedded)", mongodb: "MongoDB" };

interface DatabaseIdentity {
  type: string;
  engine: DatabaseType;
  name: string;
}

export interface HealthyReport {
  status: "healthy";
  version: string;
  timestamp: string;
  database: DatabaseIdentity & {
    connection: "active";
    state: "connected";
    collections: Record<string, number>;
  };
}

export interface UnhealthyReport {
  status: "error";
  error: "Database unavailable";
  code: "DATABASE_UNAVAILABLE";
  version: string;
  timestamp: string;
  database: DatabaseIdentity & {
    connection: "inactive";
    /** mongoose's connection state, or "unresponsive"/"unreachable" when it claims to be connected. */
    state: string;
    /** A short reason from a fixed vocabulary; driver messages go to the log, not to callers. */
    error: string;
  };
}

export type HealthReport = HealthyReport | UnhealthyReport;

interface WarnLogger {
  warn(obj: object, msg: string): void;
}

class ProbeFailure extends Error {
  constructor(
    readonly state: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** Pings the database and counts documents per collection, all within timeoutMs. */
export async function checkHealth(
  db: Database,
  version: string,
  log: WarnLogger,
  timeoutMs = HEALTH_CHECK_TIMEOUT_MS,
): Promise<HealthReport> {
  const identity: DatabaseIdentity = { type: DATABASE_LABELS[db.type], engine: db.type, name: db.connection.name };
  try {
    const collections = await withTimeout(probe(db.connection), timeoutMs);
    return {
      status: "healthy",
      version,
      timestamp: new Date().toISOString(),
      database: { ...identity, connection: "active", state: "connected", collections },
    };
  } catch (error) {
    const failure = describeFailure(error);
    // Our own failures say all there is to say; a driver error's details are worth keeping for the operator.
    const details = error instanceof ProbeFailure ? { database: db.uri } : { err: error, database: db.uri };
    log.warn(details, `health check failed: ${failure.message}`);
    return {
      status: "error",
      error: "Database unavailable",
      code: "DATABASE_UNAVAILABLE",
      version,
      timestamp: new Date().toISOString(),
      database: { ...identity, connection: "inactive", state: failure.state, error: failure.message },
    };
  }
}

async function probe(connection: Connection): Promise<Record<string, number>> {
  const db = connection.db;
  if (connection.readyState !== mongoose.ConnectionStates.connected || db === undefined) {
    const state = mongoose.ConnectionStates[connection.readyState] ?? "unknown";
    throw new ProbeFailure(state, `connection is ${state}`);
  }
  await db.command({ ping: 1 });
  const listed = await db.listCollections({}, { nameOnly: true }).toArray();
  const names = listed
    .map((collection) => collection.name)
    .filter((name) => !name.startsWith("system."))
    .sort();
  const counts = await Promise.all(names.map((name) => db.collection(name).estimatedDocumentCount()));
  return Object.fromEntries(names.map((name, index) => [name, counts[index]]));
}

function describeFailure(error: unknown): ProbeFailure {
  if (error instanceof ProbeFailure) return error;
  const kind = error instanceof Error ? error.name : "unknown error";
  return new ProbeFailure("unreachable", `ping failed (${kind})`);
}

/** Rejects with a ProbeFailure("unresponsive") when work takes longer than timeoutMs. */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  // The abandoned work settles later (the driver gives up after its own timeout); nobody awaits it then.
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeFailure("unresponsive", `no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
