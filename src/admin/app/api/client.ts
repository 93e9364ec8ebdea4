import type { TypedDocumentString } from "./operations";

/** A GraphQL error as the API reports it: its message, and the code the UI acts on (UNAUTHENTICATED signs out). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Called when the API says the token is no longer valid (expired, revoked): the session ends with this message. */
let onUnauthenticated: (message: string) => void = () => undefined;
export function whenUnauthenticated(handler: (message: string) => void): void {
  onUnauthenticated = handler;
}

/**
 * One POST to /graphql with the admin token. No client library: every document is typed by codegen
 * (schema/operations → operations.ts), so the result and variables are checked at compile time.
 */
export async function request<R, V>(token: string, document: TypedDocumentString<R, V>, variables?: V): Promise<R> {
  let response: Response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
  } catch {
    throw new ApiError("The platform cannot be reached. Check that it is running, then try again.", "NETWORK");
  }
  let body: { data?: R | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(`The platform answered ${response.status} without a GraphQL body.`, "BAD_RESPONSE");
  }
  const first = body.errors?.[0];
  if (first) {
    const code = first.extensions?.code;
    if (code === "UNAUTHENTICATED") onUnauthenticated(first.message);
    throw new ApiError(first.message, code);
  }
  if (body.data === undefined || body.data === null) throw new ApiError("The platform answered without data.", "BAD_RESPONSE");
  return body.data;
}
