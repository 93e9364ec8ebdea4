/**
 * A small per-process cache whose entries live at most `ttlMs`. The plugin contract lets status, plan and
 * activation changes take up to 5 seconds to reach every instance (§2.3), which is what makes this safe.
 * A TTL of 0 turns caching off.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  /** The cached value, or the loaded one (cached unless the TTL is 0). */
  async get(key: K, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    const value = await load();
    if (this.ttlMs > 0) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { value, expiresAt: now + this.ttlMs });
    }
    return value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
