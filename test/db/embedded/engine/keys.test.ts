import { inspect } from "node:util";
import { Binary, BSONRegExp, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from "bson";
import { compareKeys, encodeValue, invertKey, typeBracket } from "../../../../src/db/embedded/engine/keys";
import { referenceCompare } from "../../../support/engine-reference-order";
import { Random, sign } from "../../../support/engine-in-process";

const show = (value: unknown): string => inspect(value, { depth: 4, breakLength: Infinity });
const order = (a: unknown, b: unknown): number => compareKeys(encodeValue(a), encodeValue(b));

/** The first pair whose encoded order disagrees with the reference, described; undefined when all agree. */
function firstDisagreement(pairs: Array<[unknown, unknown]>, encoded = order, expected = referenceCompare): string | undefined {
  for (const [a, b] of pairs) {
    const got = encoded(a, b);
    const want = sign(expected(a, b));
    if (got !== want) return `${show(a)} vs ${show(b)}: encoding says ${got}, expected ${want}`;
  }
  return undefined;
}

/** Asserts that `values` are listed in strictly ascending MongoDB order, checking every pair. */
function expectAscending(values: unknown[]): void {
  const problems: string[] = [];
  for (let i = 0; i < values.length; i++) {
    for (let j = 0; j < values.length; j++) {
      const got = order(values[i], values[j]);
      if (got !== sign(i - j)) problems.push(`${show(values[i])} vs ${show(values[j])}: encoding says ${got}, expected ${sign(i - j)}`);
    }
  }
  expect(problems.slice(0, 2)).toEqual([]);
}

// ---- random values ---------------------------------------------------------------------------------------------

const TWO_53 = 2n ** 53n;
const CHARS = ["a", "b", "z", "A", "\u0000", "\u0001", "\u0002", "é", "中", "\uff61", "\u{1f600}", " "];

function randomNumber(rng: Random): unknown {
  switch (rng.int(10)) {
    case 0:
      return rng.pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, Number.MAX_VALUE, -Number.MIN_VALUE]);
    case 1:
      return rng.int(21) - 10;
    case 2:
      return (rng.next() - 0.5) * 10 ** rng.int(20);
    case 3:
      return new Int32(rng.int(2001) - 1000);
    case 4:
      return new Double((rng.next() - 0.5) * 100);
    case 5:
      return Long.fromNumber(rng.int(2001) - 1000);
    case 6: // Longs around ±2^53, where doubles stop being exact
      return Long.fromBigInt((rng.chance(0.5) ? 1n : -1n) * (TWO_53 + BigInt(rng.int(9)) - 4n));
    case 7: // doubles around ±2^53 (even offsets are exact up to 2^54)
      return (rng.chance(0.5) ? 1 : -1) * (2 ** 53 + 2 * (rng.int(5) - 2));
    case 8: // any 64-bit Long
      return Long.fromBigInt(BigInt.asIntN(64, (BigInt(rng.int(2 ** 30)) << 34n) ^ BigInt(rng.int(2 ** 30))));
    default:
      return BigInt(rng.int(2001) - 1000);
  }
}

function randomString(rng: Random): string {
  let out = "";
  const length = rng.int(4);
  for (let i = 0; i < length; i++) out += rng.pick(CHARS);
  return out;
}

function randomScalar(rng: Random): unknown {
  switch (rng.int(13)) {
    case 0:
      return rng.pick([new MinKey(), new MaxKey(), null, undefined]);
    case 1:
    case 2:
      return randomNumber(rng);
    case 3:
    case 4:
      return randomString(rng);
    case 5:
      return new Binary(Buffer.from(Array.from({ length: rng.int(3) }, () => rng.int(3))), rng.pick([0, 4]));
    case 6:
      return ObjectId.createFromHexString(Array.from({ length: 24 }, () => rng.pick(["0", "1", "f"])).join(""));
    case 7:
      return rng.chance(0.5);
    case 8:
      return new Date((rng.next() - 0.5) * 4e12);
    case 9:
      return new Timestamp({ t: rng.int(3), i: rng.int(3) });
    case 10:
      return rng.chance(0.5)
        ? new RegExp(rng.pick(["a", "b", "a\u0001"]), rng.pick(["", "i"]))
        : new BSONRegExp(rng.pick(["a", "b"]), rng.pick(["", "i"]));
    default:
      return rng.int(5);
  }
}

function randomValue(rng: Random, depth = 0): unknown {
  const kind = depth >= 2 ? 0 : rng.int(6);
  if (kind === 4) return Array.from({ length: rng.int(3) }, () => randomValue(rng, depth + 1));
  if (kind === 5) {
    const doc: Record<string, unknown> = {};
    for (let i = rng.int(3); i > 0; i--) doc[rng.pick(["a", "b", "ab", ""])] = randomValue(rng, depth + 1);
    return doc;
  }
  return randomScalar(rng);
}

function randomPairs(seed: number, count: number, make: (rng: Random) => unknown): Array<[unknown, unknown]> {
  const rng = new Random(seed);
  return Array.from({ length: count }, (): [unknown, unknown] => [make(rng), make(rng)]);
}

// ---- tests -----------------------------------------------------------------------------------------------------

describe("encodeValue: MongoDB's cross-type order", () => {
  it("orders one representative of every class", () => {
    expectAscending([
      new MinKey(),
      null,
      -1,
      "",
      {},
      [],
      new Binary(Buffer.from([0])),
      new ObjectId("000000000000000000000000"),
      false,
      new Date(-8.64e15),
      new Timestamp({ t: 0, i: 0 }),
      /a/,
      new MaxKey(),
    ]);
  });

  it("encodes null and missing (undefined) the same", () => {
    expect(encodeValue(undefined)).toBe(encodeValue(null));
  });

  it("agrees with the reference order on random values of mixed classes (seeded)", () => {
    expect(firstDisagreement(randomPairs(1, 4000, (rng) => randomScalar(rng)))).toBeUndefined();
  });

  it("agrees with the reference order on random nested arrays and objects (seeded)", () => {
    expect(firstDisagreement(randomPairs(2, 4000, (rng) => randomValue(rng)))).toBeUndefined();
  });
});

describe("encodeValue: numbers", () => {
  it("orders NaN < -Infinity < negatives < zero < positives < +Infinity", () => {
    expectAscending([
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      -Number.MAX_VALUE,
      -1e20,
      -1,
      -0.5,
      -Number.MIN_VALUE,
      0,
      Number.MIN_VALUE,
      0.5,
      1,
      1e20,
      Number.MAX_VALUE,
      Number.POSITIVE_INFINITY,
    ]);
  });

  it("encodes -0 like 0 and every NaN the same", () => {
    expect(encodeValue(-0)).toBe(encodeValue(0));
    expect(encodeValue(Number.NaN)).toBe(encodeValue(0 / 0));
    expect(encodeValue(new Double(Number.NaN))).toBe(encodeValue(Number.NaN));
  });

  it("encodes int, double, Int32, Double, Long and bigint of equal value identically", () => {
    for (const n of [0, 1, -1, 42, -(2 ** 31), 2 ** 31, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      const expected = encodeValue(n);
      expect([encodeValue(new Double(n)), encodeValue(Long.fromNumber(n)), encodeValue(BigInt(n))]).toEqual([expected, expected, expected]);
      if (Math.abs(n) < 2 ** 31) expect(encodeValue(new Int32(n))).toBe(expected);
    }
  });

  it("keeps Longs beyond 2^53 distinct and ordered (positive)", () => {
    const base = 2n ** 60n;
    expectAscending([base - 1n, base, base + 1n, base + 2n, 2n ** 63n - 1n].map((n) => Long.fromBigInt(n)));
  });

  it("keeps Longs beyond -2^53 distinct and ordered (negative)", () => {
    // -(2^53 + 4) and -(2^53 + 3) round to the same double; they must still order by exact value.
    expectAscending([-(2n ** 63n), -(TWO_53 + 5n), -(TWO_53 + 4n), -(TWO_53 + 3n), -TWO_53].map((n) => Long.fromBigInt(n)));
  });

  it("encodes Long(2^53) like the double 2^53 (they are equal)", () => {
    expect(encodeValue(Long.fromBigInt(TWO_53))).toBe(encodeValue(2 ** 53));
  });

  it("orders Longs beyond 2^53 against doubles by exact value", () => {
    // 2^53 + 3 rounds up to the double 2^53 + 4, which is still larger than the Long.
    expect(order(Long.fromBigInt(TWO_53 + 3n), 2 ** 53 + 4)).toBe(-1);
    expect(order(Long.fromBigInt(TWO_53 + 1n), 2 ** 53)).toBe(1);
    expect(order(Long.fromBigInt(TWO_53 + 2n), 2 ** 53 + 2)).toBe(0);
  });

  it("agrees with exact numeric order on random ints, doubles, Int32, Double, Long and bigint (seeded)", () => {
    expect(firstDisagreement(randomPairs(3, 6000, randomNumber))).toBeUndefined();
  });
});

describe("encodeValue: strings", () => {
  it("orders strings with \\u0000 and \\u0001 as MongoDB does (byte order, prefix first)", () => {
    expectAscending([
      "",
      "\u0000",
      "\u0000\u0000",
      "\u0000\u0001",
      "\u0001",
      "\u0001\u0000",
      "\u0001\u0001",
      "\u0002",
      "a",
      "a\u0000",
      "a\u0000b",
      "a\u0001",
      "a\u0001\u0000",
      "a\u0002",
      "aa",
      "b",
    ]);
  });

  it("orders non-ASCII strings by UTF-8 bytes (BMP)", () => {
    expectAscending(["Z", "a", "z", "é", "ÿ", "Ā", "中", "\uff61"]);
  });

  it("orders characters beyond the BMP after every BMP character, as UTF-8 does", () => {
    // UTF-8: U+FF61 is EF BD A1, U+1F600 is F0 9F 98 80; JS compares UTF-16 code units (D83D < FF61).
    expectAscending(["\uff61", "\u{1f600}"]);
  });

  it("agrees with UTF-8 byte order on random strings (seeded)", () => {
    expect(firstDisagreement(randomPairs(4, 6000, randomString))).toBeUndefined();
  });
});

describe("encodeValue: dates, ObjectIds, objects and arrays", () => {
  it("orders dates before and after 1970", () => {
    expectAscending([new Date(-8.64e15), new Date(-1e12), new Date(-1), new Date(0), new Date(1), new Date(1e12), new Date(8.64e15)]);
  });

  it("orders ObjectIds by their bytes", () => {
    expectAscending(
      [
        "000000000000000000000000",
        "00000000000000000000000f",
        "0000000000000000000000f0",
        "65f000000000000000000000",
        "ffffffffffffffffffffffff",
      ].map((hex) => new ObjectId(hex)),
    );
  });

  it("orders objects field by field, a prefix first", () => {
    expectAscending([{}, { a: 1 }, { a: 1, b: 1 }, { a: 2 }, { b: 1 }]);
  });

  it("compares the type of a field's value before its name (BSONElement::woCompare)", () => {
    // MongoDB: {b: 1} < {a: "x"} because a number sorts before a string, whatever the field names.
    expect(order({ b: 1 }, { a: "x" })).toBe(-1);
  });

  it("orders arrays element by element, a prefix first", () => {
    expectAscending([[], [null], [1], [1, 1], [1, "a"], [2], ["a"]]);
  });
});

describe("compound keys: concatenation sorts field by field", () => {
  const lexicographic = (a: unknown, b: unknown): number => {
    const [a1, a2] = a as [unknown, unknown];
    const [b1, b2] = b as [unknown, unknown];
    return sign(referenceCompare(a1, b1)) || sign(referenceCompare(a2, b2));
  };
  const concatenated = (a: unknown, b: unknown): number => {
    const [a1, a2] = a as [unknown, unknown];
    const [b1, b2] = b as [unknown, unknown];
    return compareKeys(encodeValue(a1) + encodeValue(a2), encodeValue(b1) + encodeValue(b2));
  };

  it("keeps the empty object prefix-free against an object with an empty field name", () => {
    // encodeValue({}) is a prefix of encodeValue({"": 1}); as the first part of a compound key that breaks the order.
    expect(encodeValue({ "": 1 }).startsWith(encodeValue({}))).toBe(false);
    expect(concatenated([{}, "s"], [{ "": 1 }, 0])).toBe(-1);
  });

  it("orders random pairs of scalars lexicographically (seeded)", () => {
    const pairs = randomPairs(5, 5000, (rng) => [randomScalar(rng), randomScalar(rng)]);
    expect(firstDisagreement(pairs, concatenated, lexicographic)).toBeUndefined();
  });

  it("orders random pairs of nested values lexicographically (seeded)", () => {
    const pairs = randomPairs(6, 5000, (rng) => [randomValue(rng), randomValue(rng)]);
    expect(firstDisagreement(pairs, concatenated, lexicographic)).toBeUndefined();
  });

  it("no encoding is a proper prefix of another (random values, seeded)", () => {
    const rng = new Random(7);
    const encodings = [...new Set(Array.from({ length: 600 }, () => encodeValue(randomValue(rng))))];
    const offenders: string[] = [];
    for (const a of encodings)
      for (const b of encodings) if (a !== b && b.startsWith(a)) offenders.push(`${show(a)} is a prefix of ${show(b)}`);
    expect(offenders.slice(0, 3)).toEqual([]);
  });
});

describe("invertKey", () => {
  it("reverses the order of any two encodings (seeded)", () => {
    const pairs = randomPairs(8, 4000, (rng) => randomValue(rng));
    const inverted = (a: unknown, b: unknown): number => compareKeys(invertKey(encodeValue(a)), invertKey(encodeValue(b)));
    expect(firstDisagreement(pairs, inverted, (a, b) => -sign(order(a, b)))).toBeUndefined();
  });

  it("sorts (descending, ascending) compound keys field by field (seeded)", () => {
    const pairs = randomPairs(9, 4000, (rng) => [randomScalar(rng), randomScalar(rng)]);
    const encoded = (a: unknown, b: unknown): number => {
      const [a1, a2] = a as [unknown, unknown];
      const [b1, b2] = b as [unknown, unknown];
      return compareKeys(invertKey(encodeValue(a1)) + encodeValue(a2), invertKey(encodeValue(b1)) + encodeValue(b2));
    };
    const expected = (a: unknown, b: unknown): number => {
      const [a1, a2] = a as [unknown, unknown];
      const [b1, b2] = b as [unknown, unknown];
      return -order(a1, b1) || order(a2, b2);
    };
    expect(firstDisagreement(pairs, encoded, expected)).toBeUndefined();
  });

  it("is its own inverse", () => {
    const key = encodeValue({ a: ["x\u0000", 1, new Date(5)] });
    expect(invertKey(invertKey(key))).toBe(key);
  });
});

describe("typeBracket", () => {
  it("contains every value of the class and nothing of the neighbouring classes", () => {
    const { low, high } = typeBracket(5);
    const inside = (value: unknown): boolean => encodeValue(value) >= low && encodeValue(value) <= high;
    expect([Number.NaN, Number.NEGATIVE_INFINITY, -1, 0, Long.fromBigInt(2n ** 62n), Number.POSITIVE_INFINITY].every(inside)).toBe(true);
    expect([null, "", new MinKey(), {}, true].some(inside)).toBe(false);
  });
});
