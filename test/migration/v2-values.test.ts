import { Decimal128, Double, Int32, Long, ObjectId } from "bson";
import { SourceTimeZone } from "../../src/migration/source-time-zone";
import { parseMongoUrl } from "../../src/migration/mongo/mongo.url";
import {
  dateValue,
  decimalTextToUnits,
  flag,
  integer,
  moneyUnits,
  objectIdHex,
  plainObject,
  text,
} from "../../src/migration/mongo/v2.values";

const ROME = SourceTimeZone.parse("Europe/Rome");
const iso = (read: ReturnType<typeof dateValue>): string | null | undefined => (read.ok ? (read.value?.toISOString() ?? null) : undefined);

describe("v2 value conversions", () => {
  test("money stored as floats becomes exact integer cents, float noise included, a fraction of a cent is refused", () => {
    expect(moneyUnits(7.99, 2)).toEqual({ ok: true, value: 799 });
    expect(moneyUnits(19.99, 2)).toEqual({ ok: true, value: 1999 });
    expect(moneyUnits(0.1 + 0.2, 2)).toEqual({ ok: true, value: 30 });
    expect(moneyUnits(7.99 * 3, 2)).toEqual({ ok: true, value: 2397 });
    expect(moneyUnits(99_999_999.99, 2)).toEqual({ ok: true, value: 9_999_999_999 });
    expect(moneyUnits(-5, 2)).toEqual({ ok: true, value: -500 });
    expect(moneyUnits(-0, 2)).toEqual({ ok: true, value: 0 });
    expect(moneyUnits(null, 2)).toEqual({ ok: true, value: null });
    expect(moneyUnits(7.995, 2)).toEqual({ ok: false, problem: "7.995 is not a whole number of cents" });
    expect(moneyUnits(Number.NaN, 2)).toMatchObject({ ok: false });
    expect(moneyUnits(1e300, 2)).toMatchObject({ ok: false, problem: expect.stringContaining("too large") as unknown });
    expect(moneyUnits(true, 2)).toMatchObject({ ok: false });
  });

  test("budgets and rates in micro-euros", () => {
    expect(moneyUnits(0.0015, 6)).toEqual({ ok: true, value: 1500 });
    expect(moneyUnits(4.0, 6)).toEqual({ ok: true, value: 4_000_000 });
    expect(moneyUnits(0.1 + 0.2, 6)).toEqual({ ok: true, value: 300_000 });
    expect(moneyUnits(1e-7, 6)).toEqual({ ok: false, problem: "1e-7 is not a whole number of micro-euros" });
  });

  test("Decimal128 is read exactly from its text, exponents included (the embedded engine cannot store one, so only here)", () => {
    expect(moneyUnits(Decimal128.fromString("7.99"), 2)).toEqual({ ok: true, value: 799 });
    expect(moneyUnits(Decimal128.fromString("99999999.99"), 2)).toEqual({ ok: true, value: 9_999_999_999 });
    expect(moneyUnits(Decimal128.fromString("1.5E+2"), 2)).toEqual({ ok: true, value: 15_000 });
    expect(moneyUnits(Decimal128.fromString("0.30000000000000004"), 2)).toMatchObject({ ok: false });
    expect(moneyUnits(Decimal128.fromString("-0.00"), 2)).toEqual({ ok: true, value: 0 });
    expect(moneyUnits(Decimal128.fromString("0.0015"), 6)).toEqual({ ok: true, value: 1500 });
    expect(moneyUnits(Decimal128.fromString("NaN"), 2)).toMatchObject({ ok: false });
    expect(moneyUnits(Decimal128.fromString("1E+6111"), 2)).toMatchObject({ ok: false });
    expect(integer(Decimal128.fromString("1000"))).toEqual({ ok: true, value: 1000, note: "a Decimal128, not an integer" });
    expect(decimalTextToUnits("12345678901234567890", 2)).toMatchObject({ problem: expect.stringContaining("too large") as unknown });
  });

  test("strings where numbers are expected are read exactly and flagged; anything else is refused", () => {
    expect(moneyUnits("12.50", 2)).toEqual({ ok: true, value: 1250, note: 'a string ("12.50"), not a number' });
    expect(moneyUnits("12,50", 2)).toEqual({ ok: false, problem: '"12,50" is not an amount' });
    expect(integer("1000")).toEqual({ ok: true, value: 1000, note: 'a string ("1000"), not a number' });
    expect(integer(1000.0)).toEqual({ ok: true, value: 1000 });
    expect(integer(1.5)).toEqual({ ok: false, problem: "1.5 is not a whole number" });
    expect(integer("ten")).toMatchObject({ ok: false });
    // Values as a driver reads them without promotion.
    expect(integer(new Int32(7))).toEqual({ ok: true, value: 7 });
    expect(integer(Long.fromNumber(2 ** 40))).toEqual({ ok: true, value: 2 ** 40 });
    expect(moneyUnits(new Double(7.99), 2)).toEqual({ ok: true, value: 799 });
  });

  test("naive datetimes are wall-clock times in their zone; strings are read (an explicit offset wins) and flagged", () => {
    const naive = new Date("2025-07-01T12:00:00Z"); // pymongo stored 12:00 local as if it were UTC
    expect(iso(dateValue(naive))).toBe("2025-07-01T12:00:00.000Z");
    expect(iso(dateValue(naive, ROME))).toBe("2025-07-01T10:00:00.000Z");
    expect(iso(dateValue(new Date("2025-01-15T12:00:00Z"), ROME))).toBe("2025-01-15T11:00:00.000Z");
    expect(dateValue("2025-10-01T08:00:00")).toEqual({
      ok: true,
      value: new Date("2025-10-01T08:00:00Z"),
      note: 'a string ("2025-10-01T08:00:00"), not a date',
    });
    expect(iso(dateValue("2025-10-01 08:00:00", ROME))).toBe("2025-10-01T06:00:00.000Z");
    expect(iso(dateValue("2025-10-01T08:00:00+05:30", ROME))).toBe("2025-10-01T02:30:00.000Z");
    expect(iso(dateValue("2025-10-01T08:00:00.123Z", ROME))).toBe("2025-10-01T08:00:00.123Z");
    expect(iso(dateValue("2025-11-02"))).toBe("2025-11-02T00:00:00.000Z");
    expect(dateValue("2025-02-30")).toMatchObject({ ok: false });
    expect(dateValue("yesterday")).toMatchObject({ ok: false });
    expect(dateValue(1_700_000_000)).toMatchObject({ ok: false });
    expect(dateValue(new Date(Number.NaN))).toEqual({ ok: false, problem: "an invalid date" });
    expect(dateValue(undefined)).toEqual({ ok: true, value: null });
  });

  test("references, text, flags and objects", () => {
    const id = new ObjectId();
    expect(objectIdHex(id)).toEqual({ ok: true, value: id.toHexString() });
    expect(objectIdHex(id.toHexString().toUpperCase())).toMatchObject({ ok: true, value: id.toHexString() });
    expect(objectIdHex("not-an-id")).toMatchObject({ ok: false });
    expect(objectIdHex(42)).toMatchObject({ ok: false });
    expect(text(3331234567)).toEqual({ ok: true, value: "3331234567", note: "3331234567 is not text" });
    expect(text({ a: 1 })).toMatchObject({ ok: false });
    expect(flag(1)).toMatchObject({ ok: true, value: true });
    expect(flag(" FALSE ")).toMatchObject({ ok: true, value: false });
    expect(flag("yes")).toMatchObject({ ok: false });
    expect(plainObject({ test: true })).toEqual({ ok: true, value: { test: true } });
    expect(plainObject(null)).toEqual({ ok: true, value: {} });
    expect(plainObject([1, 2])).toMatchObject({ ok: false });
    expect(plainObject(id)).toMatchObject({ ok: false });
  });

  test("--from and --database: the database, and the URL shown without its password or options", () => {
    expect(parseMongoUrl("mongodb://u%40x:s3cr%3At@db1:27017,db2:27018/?replicaSet=rs0&authSource=admin")).toMatchObject({
      hosts: "db1:27017,db2:27018",
      user: "u@x",
      database: "chatello_saas",
      shown: "mongodb://u%40x:***@db1:27017,db2:27018/chatello_saas?…",
    });
    expect(parseMongoUrl("mongodb+srv://cluster0.example.net/legacy").database).toBe("legacy");
    expect(parseMongoUrl("mongodb://h/legacy", "other").database).toBe("other");
    expect(() => parseMongoUrl("mongodb://h", "a/b")).toThrow(/is not a MongoDB database name/);
    expect(() => parseMongoUrl("localhost:27017")).toThrow(/--from is not a URL/);
    expect(() => parseMongoUrl("mysql://u:p@h/db")).toThrow(/--from must be a mongodb:\/\/ or mongodb\+srv:\/\/ URL \(got mysql:\/\/…\)/);
    expect(() => parseMongoUrl("mongodb:///db")).toThrow(/names no host/);
  });
});
