import type { Clock } from "../../src/clock";

/** A clock that runs at real speed from a chosen instant, and can be set back to it (a window that cannot end mid-test). */
export interface TestClock {
  clock: Clock;
  /** Starts again from the chosen instant: the next 55 s stay inside its minute. */
  rewind(): void;
}

/** 2099-06-15T12:00:05Z: inside a minute, an hour and a month, and far enough ahead that no TTL removes its windows. */
export const PINNED_INSTANT = Date.parse("2099-06-15T12:00:05.000Z");

export function steppingClock(start = PINNED_INSTANT): TestClock {
  let setAt = Date.now();
  return {
    clock: () => start + (Date.now() - setAt),
    rewind() {
      setAt = Date.now();
    },
  };
}
