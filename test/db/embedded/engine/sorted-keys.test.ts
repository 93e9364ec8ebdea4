import { SortedKeys } from "../../../../src/db/embedded/engine/sorted-keys";

// The index's key order, checked against a plain sorted array under random inserts and deletes that split and
// empty many chunks, for every kind of range (inside, across and outside the chunks' bounds).
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

test("ascending and descending ranges equal a sorted array's after 20,000 random inserts and deletes", () => {
  const next = random(7);
  const keys = new SortedKeys();
  const reference = new Set<string>();
  const keyOf = (): string => String(Math.floor(next() * 8_000)).padStart(5, "0");
  for (let step = 0; step < 20_000; step++) {
    const key = keyOf();
    if (next() < 0.65) {
      if (!reference.has(key)) keys.insert(key);
      reference.add(key);
    } else {
      expect(keys.delete(key)).toBe(reference.delete(key));
    }
  }
  const sorted = [...reference].sort();
  expect(keys.size).toBe(sorted.length);
  expect([...keys.ascending("", "\uffff")]).toEqual(sorted);
  for (let probe = 0; probe < 300; probe++) {
    const [low, high] = [keyOf(), keyOf()].sort() as [string, string];
    const inRange = sorted.filter((key) => key >= low && key <= high);
    expect([...keys.ascending(low, high)]).toEqual(inRange);
    expect([...keys.descending(low, high)]).toEqual([...inRange].reverse());
  }
  expect([...keys.ascending("99999", "\uffff")]).toEqual([]);
  expect([...keys.descending("", "")]).toEqual([]);
});

test("appending in order (monotonic ids) and deleting everything leaves an empty set", () => {
  const keys = new SortedKeys();
  const all = Array.from({ length: 3_000 }, (_unused, i) => String(i).padStart(6, "0"));
  for (const key of all) keys.insert(key);
  expect([...keys.descending("000100", "000102")]).toEqual(["000102", "000101", "000100"]);
  for (const key of all) expect(keys.delete(key)).toBe(true);
  expect(keys.size).toBe(0);
  expect(keys.delete("000001")).toBe(false);
  expect([...keys.ascending("", "\uffff")]).toEqual([]);
});
