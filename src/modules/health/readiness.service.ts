import mongoose, { type Connection } from "mongoose";
import { withTimeout } from "./health.service";

/** Short: a load balancer probes often, and a database this slow to ping is not one to send traffic to. */
export const READINESS_TIMEOUT_MS = 1000;

export type Readiness = { ready: true } | { ready: false; reason: "database"; error: string };

/** Ready when the database answers a ping within timeoutMs (one round trip, nothing read). */
export async function checkReadiness(connection: Connection, timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  const db = connection.db;
  if (connection.readyState !== mongoose.ConnectionStates.connected || db === undefined) {
    return { ready: false, reason: "database", error: `connection is ${mongoose.ConnectionStates[connection.readyState] ?? "unknown"}` };
  }
  try {
    await withTimeout(db.command({ ping: 1 }), timeoutMs);
    return { ready: true };
  } catch (error) {
    return { ready: false, reason: "database", error: error instanceof Error ? error.message : String(error) };
  }
}
