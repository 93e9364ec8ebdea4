/** Keys per chunk at most: inserting costs a binary search plus moving at most this many keys. */
const CHUNK_MAX = 512;

/**
 * A sorted set of index keys kept as a list of sorted chunks (each at most CHUNK_MAX keys), so that inserting and
 * removing a key in the middle costs O(log n + CHUNK_MAX) instead of moving every later key, which made building a
 * large index quadratic. Keys are compared as JavaScript strings (the order-preserving encodings of keys.ts).
 */
export class SortedKeys {
  private chunks: string[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.chunks = [];
    this.count = 0;
  }

  /** Adds a key that is not present yet. */
  insert(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.count = 1;
      return;
    }
    const c = this.chunkFor(key);
    const chunk = this.chunks[c] as string[];
    chunk.splice(lowerBound(chunk, key), 0, key);
    this.count++;
    if (chunk.length > CHUNK_MAX) this.chunks.splice(c + 1, 0, chunk.splice(chunk.length >>> 1));
  }

  /** Removes a key; false when it was not there. */
  delete(key: string): boolean {
    if (this.chunks.length === 0) return false;
    const c = this.chunkFor(key);
    const chunk = this.chunks[c] as string[];
    const at = lowerBound(chunk, key);
    if (chunk[at] !== key) return false;
    chunk.splice(at, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(c, 1);
    return true;
  }

  /** Keys in [low, high], ascending. */
  *ascending(low: string, high: string): Generator<string> {
    const start = this.locate(low, false);
    for (let c = start.chunk; c < this.chunks.length; c++) {
      const chunk = this.chunks[c] as string[];
      for (let i = c === start.chunk ? start.index : 0; i < chunk.length; i++) {
        const key = chunk[i] as string;
        if (key > high) return;
        yield key;
      }
    }
  }

  /** Keys in [low, high], descending. */
  *descending(low: string, high: string): Generator<string> {
    const end = this.locate(high, true);
    for (let c = end.chunk; c >= 0; c--) {
      const chunk = this.chunks[c] as string[];
      for (let i = c === end.chunk ? end.index - 1 : chunk.length - 1; i >= 0; i--) {
        const key = chunk[i] as string;
        if (key < low) return;
        yield key;
      }
    }
  }

  /** The chunk a key belongs in: the first whose last key is >= key (the last chunk for keys above all). */
  private chunkFor(key: string): number {
    let low = 0;
    let high = this.chunks.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const chunk = this.chunks[mid] as string[];
      if ((chunk[chunk.length - 1] as string) < key) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Where `key` sits: the first position holding a key >= key (or > key when `after`). */
  private locate(key: string, after: boolean): { chunk: number; index: number } {
    if (this.chunks.length === 0) return { chunk: 0, index: 0 };
    const c = this.chunkFor(key);
    const chunk = this.chunks[c] as string[];
    return { chunk: c, index: after ? upperBound(chunk, key) : lowerBound(chunk, key) };
  }
}

function lowerBound(keys: string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((keys[mid] as string) < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

function upperBound(keys: string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((keys[mid] as string) <= key) low = mid + 1;
    else high = mid;
  }
  return low;
}
