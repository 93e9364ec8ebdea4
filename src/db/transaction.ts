import type { ClientSession } from "mongoose";
import type { Models } from "./models";

export type Session = ClientSession;

/**
 * Runs `work` as one multi-document transaction (the driver's withTransaction: retried as a whole on transient
 * errors such as a write conflict, for up to 120 s). Used where two documents must change together or not at all,
 * so that neither a race nor a crash between the two writes can leave them disagreeing. `work` may run several
 * times: it must only read and write through `session`, never call out (no HTTP, no AI, no email).
 */
export function inTransaction<T>(models: Models, work: (session: Session) => Promise<T>): Promise<T> {
  // Every model is bound to the same connection (db/models.ts).
  return models.License.db.transaction(work);
}
