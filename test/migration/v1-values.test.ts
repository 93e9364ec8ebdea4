import { mongoose } from "@typegoose/typegoose";
import { canonicalJson, recordHash } from "../../src/migration/canonical";
import { legacyIdRange, legacyObjectId, legacySourceOf, SourceSystem } from "../../src/migration/legacy-ids";
import { SourceTimeZone } from "../../src/migration/source-time-zone";
import { parseMariadbUrl } from "../../src/migration/mariadb/mariadb.url";
import { decimalToCents, jsonObject, sqlDate, sqlWallTime } from "../../src/migration/mariadb/v1.values";

const UTC = SourceTimeZone.parse("UTC");
const ROME = SourceTimeZone.parse("Europe/Rome");
const iso = (converted: ReturnType<typeof sqlDate>): string | null | undefined =>
  converted.ok ? converted.value?.toISOString() : undefined;

describe("v1 value conversions", () => {
  test("DECIMAL text to integer cents, exactly, beyond what a float holds", () => {
    expect(decimalToCents("99999999.99")).toEqual({ ok: true, value: 9_999_999_999 });
    expect(decimalToCents("0.07")).toEqual({ ok: true, value: 7 });
    expect(decimalToCents("-5.00")).toEqual({ ok: true, value: -500 });
    expect(decimalToCents("1.1")).toEqual({ ok: true, value: 110 });
    expect(decimalToCents("12.3400")).toEqual({ ok: true, value: 1234 });
    // 0.1 + 0.2 style: 1.15 * 100 is 114.99999999999999 as a float.
    expect(decimalToCents("1.15")).toEqual({ ok: true, value: 115 });
    expect(decimalToCents("90071992547409.91")).toEqual({ ok: true, value: Number.MAX_SAFE_INTEGER });
    expect(decimalToCents("90071992547409.92")).toMatchObject({
      ok: false,
      problem: "amount 90071992547409.92 is too large to hold exactly in cents",
    });
    expect(decimalToCents("1.005")).toMatchObject({ ok: false, problem: "amount 1.005 is not a whole number of cents" });
    expect(decimalToCents(null)).toMatchObject({ ok: false });
    expect(decimalToCents("12,50")).toMatchObject({ ok: false });
  });

  test("TIMESTAMP text is UTC; DATETIME text is wall time in the source zone, DST included; zero dates are problems", () => {
    expect(iso(sqlDate("2025-08-04 10:30:00", "timestamp", ROME))).toBe("2025-08-04T10:30:00.000Z");
    expect(iso(sqlDate("2025-08-04 10:30:00.123456", "datetime", UTC))).toBe("2025-08-04T10:30:00.123Z");
    expect(iso(sqlDate("2025-08-04 10:30:00", "datetime", ROME))).toBe("2025-08-04T08:30:00.000Z");
    expect(iso(sqlDate("2025-01-15 10:30:00", "datetime", ROME))).toBe("2025-01-15T09:30:00.000Z");
    expect(iso(sqlDate("2025-01-15 10:30:00", "datetime", SourceTimeZone.parse("-05:00")))).toBe("2025-01-15T15:30:00.000Z");
    expect(sqlDate(null, "timestamp", UTC)).toEqual({ ok: true, value: null });
    expect(sqlDate("0000-00-00 00:00:00", "timestamp", UTC)).toEqual({ ok: false, problem: 'zero date "0000-00-00 00:00:00"' });
    expect(sqlDate("2025-00-10", "datetime", UTC)).toMatchObject({ ok: false });
    expect(sqlDate("2025-02-30 00:00:00", "datetime", UTC)).toMatchObject({ ok: false, problem: 'invalid date "2025-02-30 00:00:00"' });
    expect(sqlWallTime(new Date("2025-08-01T00:00:00Z"), ROME)).toBe("2025-08-01 02:00:00");
    expect(SourceTimeZone.tryParse("Mars/Olympus")).toBeUndefined();
    expect(() => SourceTimeZone.parse("Mars/Olympus")).toThrow(/--source-timezone "Mars\/Olympus" is not a time zone/);
  });

  test("JSON columns: objects kept, anything else kept raw and flagged", () => {
    expect(jsonObject('{"a":{"b":[1,"🦄"]}}')).toEqual({ ok: true, value: { a: { b: [1, "🦄"] } } });
    expect(jsonObject(null)).toEqual({ ok: true, value: {} });
    expect(jsonObject("null")).toEqual({ ok: true, value: {} });
    expect(jsonObject("{oops")).toMatchObject({ ok: false, problem: "invalid JSON", raw: { v1_raw: "{oops" } });
    expect(jsonObject("[1,2]")).toMatchObject({ ok: false, raw: { v1_raw: "[1,2]" } });
    expect(jsonObject('{"a":{"$gt":1}}')).toMatchObject({ ok: false, problem: "JSON keys MongoDB cannot store ($ or .)" });
    expect(jsonObject('{"a.b":1}')).toMatchObject({ ok: false });
  });
});

describe("shared migration pieces", () => {
  test("deterministic ids name their table and source id, sort by source id and before any generated id", () => {
    const id = legacyObjectId(SourceSystem.mariadbV1, 3, 42);
    expect(id.toHexString()).toBe("386d4380010300000000002a");
    expect(legacyObjectId(SourceSystem.mariadbV1, 3, 42).equals(id)).toBe(true);
    expect(legacySourceOf(id)).toEqual({ source: 1, table: 3, id: 42 });
    expect(legacySourceOf(new mongoose.Types.ObjectId())).toBeUndefined();
    expect(legacyObjectId(SourceSystem.mariadbV1, 3, 43).toHexString() > id.toHexString()).toBe(true);
    expect(new mongoose.Types.ObjectId().toHexString() > legacyObjectId(SourceSystem.mariadbV1, 7, 2 ** 48 - 1).toHexString()).toBe(true);
    const range = legacyIdRange(SourceSystem.mariadbV1, 3);
    expect(range.$gte.toHexString() <= id.toHexString() && id.toHexString() <= range.$lte.toHexString()).toBe(true);
    expect(() => legacyObjectId(SourceSystem.mariadbV1, 3, 2 ** 48)).toThrow(/48 bits/);
  });

  test("canonical form: key order, dates, ObjectIds and missing values have one spelling", () => {
    const oid = new mongoose.Types.ObjectId();
    const a = { b: 1, a: new Date("2025-01-01T00:00:00Z"), c: oid, d: undefined };
    const b = { d: null, c: new mongoose.Types.ObjectId(oid.toHexString()), a: new Date("2025-01-01T00:00:00.000Z"), b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(recordHash(a)).toBe(recordHash(b));
    expect(recordHash({ ...a, b: 2 })).not.toBe(recordHash(a));
  });

  test("--from URLs: mysql:// or mariadb://, password never shown", () => {
    expect(parseMariadbUrl("mysql://u%40x:p%3Ass@db.example:3307/chatello_saas")).toEqual({
      host: "db.example",
      port: 3307,
      user: "u@x",
      password: "p:ss",
      database: "chatello_saas",
      shown: "mysql://u%40x:***@db.example:3307/chatello_saas",
    });
    expect(parseMariadbUrl("mariadb://root@localhost/v1")).toMatchObject({ port: 3306, password: "" });
    expect(() => parseMariadbUrl("mysql://u:p@host/")).toThrow(/names no database/);
    expect(() => parseMariadbUrl("mysql://host/db")).toThrow(/names no user/);
  });
});
