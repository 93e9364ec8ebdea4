import type { Document } from "bson";
import { Collection, idKeyOf, type QueryStats } from "../../src/db/embedded/engine/collection";

/** Shared helpers for the engine unit tests (not a test file itself). */

/** A small seeded PRNG (mulberry32): the same seed always yields the same sequence, so failures reproduce. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Freezes a value and everything reachable from it, so any in-place mutation throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

export function newStats(): QueryStats {
  return { scanned: 0, scannedObjects: 0, collectionScans: 0 };
}

/** A collection "t.c" with the given secondary index specs and documents. */
export function newCollection(specs: Document[] = [], docs: Document[] = []): Collection {
  const collection = new Collection("t", "c", {}, newStats());
  for (const spec of specs) collection.addIndex(spec);
  for (const doc of docs) collection.insert(idKeyOf(doc), doc);
  return collection;
}

/** -1, 0 or 1. */
export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
