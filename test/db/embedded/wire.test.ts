import { Binary, BSON, Long, type Document } from "bson";
import { decodeMessage, encodeMsgReply, encodeOpReply, WireProtocolError } from "../../../src/db/embedded/wire/codec";
import { crc32c } from "../../../src/db/embedded/wire/crc32c";
import { FrameReader } from "../../../src/db/embedded/wire/frame-reader";

const OP_MSG = 2013;
const OP_QUERY = 2004;

function frame(opCode: number, payload: Buffer, requestId = 42): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + payload.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, payload]);
}

const bson = (doc: Document): Buffer => Buffer.from(BSON.serialize(doc));
const kind0 = (doc: Document): Buffer => Buffer.concat([Buffer.from([0]), bson(doc)]);

function kind1(identifier: string, docs: Document[]): Buffer {
  const payload = Buffer.concat([Buffer.from(`${identifier}\0`), ...docs.map(bson)]);
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 + payload.length);
  return Buffer.concat([Buffer.from([1]), size, payload]);
}

function opMsg(sections: Buffer[], flags = 0, requestId = 42): Buffer {
  const flagBits = Buffer.alloc(4);
  flagBits.writeUInt32LE(flags >>> 0);
  return frame(OP_MSG, Buffer.concat([flagBits, ...sections]), requestId);
}

/** OP_MSG with checksumPresent set and the CRC-32C appended (length in the header covers it). */
function opMsgWithChecksum(sections: Buffer[]): Buffer {
  const unsigned = opMsg([...sections, Buffer.alloc(4)], 1);
  unsigned.writeUInt32LE(crc32c(unsigned.subarray(0, unsigned.length - 4)), unsigned.length - 4);
  return unsigned;
}

function opQuery(ns: string, query: Document, trailer: Buffer[] = []): Buffer {
  const ints = Buffer.alloc(8);
  ints.writeInt32LE(3, 0); // numberToSkip
  ints.writeInt32LE(-1, 4); // numberToReturn
  return frame(OP_QUERY, Buffer.concat([Buffer.alloc(4), Buffer.from(`${ns}\0`), ints, bson(query), ...trailer]));
}

function msgBody(message: Buffer): Document {
  const decoded = decodeMessage(message);
  if (decoded.kind !== "msg") throw new Error(`expected an OP_MSG, got ${decoded.kind}`);
  return decoded.body;
}

describe("crc32c", () => {
  it("matches the Castagnoli check value", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
});

describe("FrameReader", () => {
  const messages = [
    opMsg([kind0({ ping: 1, $db: "admin" })], 0, 1),
    opQuery("admin.$cmd", { ismaster: 1 }),
    opMsg([kind0({ insert: "c", $db: "x" }), kind1("documents", [{ a: 1 }, { a: 2 }])], 0, 3),
  ];
  const stream = Buffer.concat(messages);

  it("reassembles messages fed one byte at a time", () => {
    const reader = new FrameReader(1024);
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) {
      const got = reader.push(stream.subarray(i, i + 1));
      const endsAMessage = messages.some((_, n) => Buffer.concat(messages.slice(0, n + 1)).length === i + 1);
      expect(got.length).toBe(endsAMessage ? 1 : 0);
      out.push(...got);
    }
    expect(out).toEqual(messages);
  });

  it("returns every message of a pipelined chunk, and keeps a partial tail for later", () => {
    const reader = new FrameReader(1024);
    expect(reader.push(stream)).toEqual(messages);
    const extra = opMsg([kind0({ hello: 1, $db: "admin" })]);
    expect(reader.push(Buffer.concat([extra, extra.subarray(0, 10)]))).toEqual([extra]);
    expect(reader.push(extra.subarray(10))).toEqual([extra]);
  });

  it("reassembles a large message arriving in socket-sized chunks", () => {
    const big = opMsg([kind0({ insert: "c", $db: "x", blob: new Binary(Buffer.alloc(5_000_000, 7)) })]);
    const reader = new FrameReader(48_000_000);
    const out: Buffer[] = [];
    for (let i = 0; i < big.length; i += 65_536) out.push(...reader.push(big.subarray(i, i + 65_536)));
    expect(out).toHaveLength(1);
    expect(out[0].equals(big)).toBe(true);
  });

  it("refuses an oversized length as soon as the 4 length bytes are in, without buffering the body", () => {
    const reader = new FrameReader(48_000_000);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32LE(100 * 1024 * 1024);
    expect(reader.push(prefix.subarray(0, 2))).toEqual([]);
    expect(() => reader.push(prefix.subarray(2))).toThrow(WireProtocolError);
    expect(() => reader.push(Buffer.alloc(16))).toThrow(/outside the allowed range/);
  });

  it("refuses a length shorter than a header, and a negative one", () => {
    for (const length of [8, 15, 0, -1]) {
      const prefix = Buffer.alloc(16);
      prefix.writeInt32LE(length);
      expect(() => new FrameReader(1024).push(prefix)).toThrow(WireProtocolError);
    }
  });
});

describe("decodeMessage: OP_MSG", () => {
  it("decodes a body section with the flags and the request id", () => {
    const decoded = decodeMessage(opMsg([kind0({ ping: 1, $db: "admin" })], 1 << 16, 77));
    expect(decoded).toEqual({
      kind: "msg",
      requestId: 77,
      flags: 1 << 16, // exhaustAllowed is optional: ignored, not refused
      moreToCome: false,
      body: { ping: 1, $db: "admin" },
    });
  });

  it("merges kind-1 sequences into the body, before or after it, appending to an existing array", () => {
    const body = msgBody(
      opMsg([
        kind1("ops", [{ insert: 0, document: { a: 1 } }]),
        kind0({ bulkWrite: 1, $db: "admin", nsInfo: [{ ns: "x.a" }] }),
        kind1("nsInfo", [{ ns: "x.b" }, { ns: "x.c" }]),
        kind1("ops", [{ insert: 1, document: { a: 2 } }]),
        kind1("empty", []),
      ]),
    );
    expect(body).toEqual({
      bulkWrite: 1,
      $db: "admin",
      nsInfo: [{ ns: "x.a" }, { ns: "x.b" }, { ns: "x.c" }],
      ops: [
        { insert: 0, document: { a: 1 } },
        { insert: 1, document: { a: 2 } },
      ],
      empty: [],
    });
  });

  it("adds a sequence named __proto__ as a field, not as the body's prototype", () => {
    const body = msgBody(opMsg([kind0({ insert: "c", $db: "x" }), kind1("__proto__", [{ polluted: true }])]));
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(body, "__proto__")?.value).toEqual([{ polluted: true }]);
  });

  it("refuses a sequence that clashes with a non-array body field", () => {
    expect(() => decodeMessage(opMsg([kind0({ insert: "c", $db: "x", documents: 1 }), kind1("documents", [{}])]))).toThrow(
      WireProtocolError,
    );
  });

  it("reports moreToCome", () => {
    const decoded = decodeMessage(opMsg([kind0({ endSessions: [], $db: "admin" })], 2));
    expect(decoded).toMatchObject({ kind: "msg", moreToCome: true, flags: 2 });
  });

  it("verifies a valid CRC-32C and excludes it from the sections", () => {
    const message = opMsgWithChecksum([kind0({ ping: 1, $db: "admin" }), kind1("documents", [{ a: 1 }])]);
    expect(msgBody(message)).toEqual({ ping: 1, $db: "admin", documents: [{ a: 1 }] });
  });

  it("refuses a wrong checksum, and a checksum flag without room for one", () => {
    const message = opMsgWithChecksum([kind0({ ping: 1, $db: "admin" })]);
    message[message.length - 1] ^= 0xff;
    expect(() => decodeMessage(message)).toThrow(/checksum mismatch/);
    const corruptedBody = opMsgWithChecksum([kind0({ ping: 1, $db: "admin" })]);
    corruptedBody[30] ^= 0x01;
    expect(() => decodeMessage(corruptedBody)).toThrow(/checksum mismatch/);
    expect(() => decodeMessage(opMsg([], 1))).toThrow(/too short for its checksum/);
  });

  it("refuses unknown required flag bits", () => {
    expect(() => decodeMessage(opMsg([kind0({ ping: 1, $db: "a" })], 1 << 2))).toThrow(/unknown required flag bits 0x4/);
    expect(() => decodeMessage(opMsg([kind0({ ping: 1, $db: "a" })], 1 << 15))).toThrow(WireProtocolError);
  });

  it("requires exactly one body section and known section kinds", () => {
    expect(() => decodeMessage(opMsg([]))).toThrow(/no body section/);
    expect(() => decodeMessage(opMsg([kind1("documents", [{}])]))).toThrow(/no body section/);
    expect(() => decodeMessage(opMsg([kind0({ a: 1 }), kind0({ b: 1 })]))).toThrow(/more than one body/);
    expect(() => decodeMessage(opMsg([kind0({ a: 1 }), Buffer.from([2, 0, 0, 0, 0])]))).toThrow(/section kind 2/);
  });

  it("refuses a document sequence whose size overruns the message or cuts a document", () => {
    const overrun = kind1("documents", [{ a: 1 }]);
    overrun.writeInt32LE(1000, 1);
    expect(() => decodeMessage(opMsg([kind0({ a: 1 }), overrun]))).toThrow(/document sequence overruns/);
    const cut = kind1("documents", [{ a: 1 }]);
    cut.writeInt32LE(cut.readInt32LE(1) - 3, 1);
    expect(() => decodeMessage(opMsg([kind0({ a: 1 }), cut.subarray(0, cut.length - 3)]))).toThrow(WireProtocolError);
  });

  it("refuses truncated or malformed BSON and trailing garbage", () => {
    const doc = bson({ ping: 1, $db: "admin" });
    const truncated = Buffer.concat([Buffer.from([0]), doc.subarray(0, doc.length - 4)]);
    expect(() => decodeMessage(opMsg([truncated]))).toThrow(/BSON document overruns/);

    const badType = Buffer.from(doc);
    badType[4] = 0x77; // element type that does not exist
    expect(() => decodeMessage(opMsg([Buffer.concat([Buffer.from([0]), badType])]))).toThrow(/malformed BSON/);

    const tooSmall = Buffer.from([0, 3, 0, 0, 0]);
    expect(() => decodeMessage(opMsg([tooSmall]))).toThrow(/invalid BSON document size 3/);

    expect(() => decodeMessage(opMsg([kind0({ ping: 1 }), Buffer.from([0])]))).toThrow(WireProtocolError);
  });

  it("refuses a frame whose declared length differs from its size", () => {
    const message = opMsg([kind0({ ping: 1 })]);
    expect(() => decodeMessage(message.subarray(0, message.length - 1))).toThrow(/declares/);
    expect(() => decodeMessage(Buffer.alloc(8))).toThrow(/shorter than its header/);
  });

  it("decodes values the way the engine expects them", () => {
    const body = msgBody(
      opMsg([
        kind0({
          $db: "x",
          small: Long.fromNumber(5),
          huge: Long.fromString("9007199254740993"),
          uuid: new Binary(Buffer.alloc(16, 1), Binary.SUBTYPE_UUID),
          re: new BSON.BSONRegExp("^a . b", "isx"),
        }),
      ]),
    );
    expect(body.small).toBe(5);
    expect(body.huge).toBeInstanceOf(Long);
    expect(body.uuid).toBeInstanceOf(Binary);
    // Kept as a BSON regex: the engine compiles it for RE2, with mongod's flags (a JS RegExp would lose x and s).
    expect(body.re).toBeInstanceOf(BSON.BSONRegExp);
    expect(body.re).toMatchObject({ pattern: "^a . b", options: "isx" });
  });
});

describe("decodeMessage: OP_QUERY", () => {
  it("decodes a plain command", () => {
    expect(decodeMessage(opQuery("admin.$cmd", { ismaster: 1, helloOk: true }))).toEqual({
      kind: "query",
      requestId: 42,
      fullCollectionName: "admin.$cmd",
      numberToSkip: 3,
      numberToReturn: -1,
      query: { ismaster: 1, helloOk: true },
    });
  });

  it("unwraps $query, and ignores a returnFieldsSelector", () => {
    const message = opQuery("admin.$cmd", { $query: { isMaster: 1 }, $readPreference: { mode: "primary" } }, [bson({ a: 1 })]);
    expect(decodeMessage(message)).toMatchObject({ kind: "query", query: { isMaster: 1 } });
  });

  it("refuses trailing garbage and a missing query", () => {
    expect(() => decodeMessage(opQuery("admin.$cmd", { ismaster: 1 }, [bson({}), Buffer.from([1])]))).toThrow(/trailing bytes/);
    const noQuery = frame(OP_QUERY, Buffer.concat([Buffer.alloc(4), Buffer.from("admin.$cmd\0"), Buffer.alloc(8)]));
    expect(() => decodeMessage(noQuery)).toThrow(WireProtocolError);
    const unterminated = frame(OP_QUERY, Buffer.concat([Buffer.alloc(4), Buffer.from("admin.$cmd")]));
    expect(() => decodeMessage(unterminated)).toThrow(/unterminated cstring/);
  });
});

describe("decodeMessage: other opcodes", () => {
  it.each([
    [2012, "OP_COMPRESSED"],
    [2001, "OP_UPDATE"],
    [2002, "OP_INSERT"],
    [2005, "OP_GET_MORE"],
    [2006, "OP_DELETE"],
    [2007, "OP_KILL_CURSORS"],
    [1, "OP_REPLY"],
  ])("refuses opCode %i (%s) by name", (opCode, name) => {
    expect(() => decodeMessage(frame(opCode, Buffer.alloc(20)))).toThrow(`unsupported opCode ${opCode} (${name})`);
  });

  it("refuses an opcode nobody defined", () => {
    expect(() => decodeMessage(frame(9999, Buffer.alloc(4)))).toThrow(new WireProtocolError("unsupported opCode 9999"));
  });
});

describe("encoders", () => {
  it("encodeMsgReply writes an OP_MSG answering the request, with keys bson would otherwise reject", () => {
    const reply = encodeMsgReply(42, { ok: 1, "a.b": 1, $clusterTime: 1, missing: undefined });
    expect(reply.readInt32LE(0)).toBe(reply.length);
    expect(reply.readInt32LE(8)).toBe(42);
    expect(reply.readInt32LE(12)).toBe(OP_MSG);
    expect(decodeMessage(reply)).toMatchObject({ flags: 0, body: { ok: 1, "a.b": 1, $clusterTime: 1, missing: null } });
  });

  it("encodeOpReply writes an OP_REPLY with one document and cursor 0", () => {
    const reply = encodeOpReply(9, { ismaster: true, ok: 1 });
    expect(reply.readInt32LE(0)).toBe(reply.length);
    expect(reply.readInt32LE(8)).toBe(9);
    expect(reply.readInt32LE(12)).toBe(1);
    expect(reply.readInt32LE(16)).toBe(0);
    expect(reply.readBigInt64LE(20)).toBe(0n);
    expect(reply.readInt32LE(28)).toBe(0);
    expect(reply.readInt32LE(32)).toBe(1);
    expect(BSON.deserialize(reply.subarray(36))).toEqual({ ismaster: true, ok: 1 });
  });

  it("gives every reply its own increasing requestID", () => {
    const a = encodeMsgReply(1, { ok: 1 }).readInt32LE(4);
    const b = encodeOpReply(1, { ok: 1 }).readInt32LE(4);
    expect(a).toBeGreaterThan(0);
    expect(b).toBe(a + 1);
  });
});
