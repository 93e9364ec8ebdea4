import type { FastifyReply, FastifyRequest } from "fastify";
import { GraphQLError, Lexer, Source, TokenKind } from "graphql";

/**
 * Limits on a document's text, checked before graphql-js parses it. The parser recurses once per bracket level and
 * overflows the call stack at a few thousand (answering "Maximum call stack size exceeded"), and parsing and the
 * standard validation rules take time in the number of tokens even for documents refused later. Legitimate
 * documents are far inside these: the dashboard's largest file with its fragments has ~430 tokens, GraphiQL's
 * introspection query ~180 and nests 10 deep. The depth limit proper (10 selection levels) is checked after parsing.
 */
export interface DocumentTextLimits {
  maxLength: number;
  maxTokens: number;
  /** Open brackets `{`, `[`, `(` at once, outside strings and comments. */
  maxNesting: number;
}

export const DEFAULT_TEXT_LIMITS: DocumentTextLimits = { maxLength: 100_000, maxTokens: 2_000, maxNesting: 64 };

const OPENING = new Set<TokenKind>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<TokenKind>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Why a document's text is refused, or undefined. One pass of graphql-js's own lexer (iterative, linear), so strings,
 * block strings and comments are told apart from brackets exactly as the parser will; it stops at the first excess.
 */
export function refusalOfDocumentText(text: string, limits: DocumentTextLimits = DEFAULT_TEXT_LIMITS): string | undefined {
  if (text.length > limits.maxLength) return `Document is longer than ${limits.maxLength} characters`;
  const lexer = new Lexer(new Source(text));
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.maxTokens) return `Document has more than ${limits.maxTokens} tokens`;
      if (OPENING.has(token.kind) && ++nesting > limits.maxNesting) return `Document is nested more than ${limits.maxNesting} levels deep`;
      // Below zero the parser stops at this very token, so extra closers must not buy extra openers.
      if (CLOSING.has(token.kind)) nesting = Math.max(0, nesting - 1);
    }
  } catch (error) {
    // A lexical error: the parser stops there too, no deeper than counted so far, and reports it as a syntax error.
    if (error instanceof GraphQLError) return undefined;
    throw error;
  }
  return undefined;
}

/** Every document a request carries: in a POST body (a batch is refused later, but checked here too) or a `query` parameter. */
function documentsOf(request: FastifyRequest): string[] {
  // Read the query string as Apollo does (URLSearchParams), not as Fastify's parser does, so both see the same text.
  const search = request.url.indexOf("?");
  const documents = new URLSearchParams(search < 0 ? "" : request.url.slice(search + 1)).getAll("query");
  for (const body of Array.isArray(request.body) ? request.body : [request.body]) {
    if (typeof body === "object" && body !== null && "query" in body && typeof body.query === "string") documents.push(body.query);
  }
  return documents;
}

/**
 * A Fastify preValidation hook for /graphql. It has to be an HTTP hook: an Apollo plugin hook that throws before
 * parsing (didResolveSource, parsingDidStart) makes Apollo answer 500 "Internal server error", not a coded 400.
 */
export function documentTextGuard(limits: DocumentTextLimits = DEFAULT_TEXT_LIMITS) {
  return async function refuseOversizedDocuments(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    for (const document of documentsOf(request)) {
      const refusal = refusalOfDocumentText(document, limits);
      // The same shape and status Apollo gives the other QUERY_TOO_COMPLEX refusals; returning the reply ends the request.
      if (refusal)
        return reply
          .code(400)
          .type("application/json; charset=utf-8")
          .send({ errors: [{ message: refusal, extensions: { code: "QUERY_TOO_COMPLEX" } }] });
    }
    return undefined;
  };
}
