/** Milliseconds since the epoch. Services that count in time windows take one, so tests can pin the window they use. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
