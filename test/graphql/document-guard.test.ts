import { refusalOfDocumentText } from "../../src/graphql/document.guard";

// The text guard's limits at their edges; over HTTP, document-limits.test.ts shows the refusals reach clients.

const limits = { maxLength: 1_000, maxTokens: 50, maxNesting: 5 };
const nested = (levels: number): string => `${"{ a ".repeat(levels - 1)}{ b }${" }".repeat(levels - 1)}`;

describe("refusalOfDocumentText", () => {
  it("lets nesting up to the limit through and refuses one level more", () => {
    expect(refusalOfDocumentText(nested(5), limits)).toBeUndefined();
    expect(refusalOfDocumentText(nested(6), limits)).toBe("Document is nested more than 5 levels deep");
  });

  it("counts brackets of every kind together, as the parser recurses on each", () => {
    expect(refusalOfDocumentText(`{ a(x: [{ y: [1] }]) { b } }`, limits)).toBeUndefined();
    expect(refusalOfDocumentText(`{ a(x: [{ y: [[1]] }]) { b } }`, limits)).toBe("Document is nested more than 5 levels deep");
  });

  it("does not let stray closing brackets pay for deeper opening ones", () => {
    expect(refusalOfDocumentText(`${"}".repeat(10)} ${nested(6)}`, limits)).toBe("Document is nested more than 5 levels deep");
  });

  it("lets the token limit through and refuses one token more (comments are not tokens)", () => {
    const names = (count: number): string => `{ ${"a ".repeat(count - 2)}}`;
    expect(refusalOfDocumentText(`# ${"{".repeat(100)}\n${names(50)}`, limits)).toBeUndefined();
    expect(refusalOfDocumentText(names(51), limits)).toBe("Document has more than 50 tokens");
  });

  it("refuses by length before lexing anything", () => {
    expect(refusalOfDocumentText(`"${"x".repeat(998)}"`, limits)).toBeUndefined();
    expect(refusalOfDocumentText(`"${"x".repeat(999)}"`, limits)).toBe("Document is longer than 1000 characters");
  });

  it("leaves a lexical error to the parser, which stops at the same place", () => {
    expect(refusalOfDocumentText(`{ a ${"{".repeat(3)} "unterminated`, limits)).toBeUndefined();
    expect(refusalOfDocumentText(`{ a ${"{".repeat(10)} "unterminated`, limits)).toBe("Document is nested more than 5 levels deep");
  });
});
