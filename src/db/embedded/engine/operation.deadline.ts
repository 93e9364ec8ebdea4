import { CommandError } from "./errors";

/**
 * The time limit of one command. A command runs synchronously from start to finish (that is what makes it atomic),
 * so nothing else on the engine, nor anything else in the process, runs until it returns: the scan loops call
 * `visit()` for every document they look at, and the command fails with mongod's MaxTimeMSExpired once the limit
 * has passed, instead of holding the event loop for as long as a full scan takes.
 */
export class Deadline {
  /** The clock is read every few visits: cheap enough per document, fine-grained enough for a 1 ms limit. */
  private static readonly VISITS_PER_CHECK = 16;
  private visits = 0;
  private readonly expiresAt: number;

  constructor(
    readonly limitMs: number,
    startedAt = performance.now(),
  ) {
    this.expiresAt = startedAt + limitMs;
  }

  static unlimited(): Deadline {
    return new Deadline(Number.POSITIVE_INFINITY);
  }

  visit(): void {
    if (++this.visits % Deadline.VISITS_PER_CHECK === 0) this.check();
  }

  check(): void {
    if (performance.now() > this.expiresAt) throw new CommandError("MaxTimeMSExpired", "operation exceeded time limit");
  }
}

/** mongod's limit on maxTimeMS: a non-negative 32-bit integer. */
const MAX_TIME_MS_LIMIT = 2 ** 31 - 1;

/**
 * The deadline of a command: its own `maxTimeMS` when it gives one (0 means none, as on mongod), otherwise the
 * engine's default limit.
 */
export function deadlineFor(command: { maxTimeMS?: unknown }, defaultLimitMs: number): Deadline {
  const raw = command.maxTimeMS;
  if (raw === undefined || raw === null) return new Deadline(defaultLimitMs);
  const value = typeof raw === "number" ? raw : typeof raw === "bigint" ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < 0 || value > MAX_TIME_MS_LIMIT) {
    throw new CommandError("BadValue", `${String(raw)} value for maxTimeMS is out of range [0, ${MAX_TIME_MS_LIMIT}]`);
  }
  return new Deadline(value === 0 ? defaultLimitMs : value);
}
