import type { Document } from "bson";
import type { Deadline } from "./operation.deadline";
import type { Entry, QueryShape, Scope } from "./scope";

/** A command's view of its scope that carries the command's deadline into every scan. */
export class DeadlineScope implements Scope {
  constructor(
    private readonly inner: Scope,
    readonly deadline: Deadline,
  ) {}

  get inTransaction(): boolean {
    return this.inner.inTransaction;
  }

  get(ns: string, idKey: string): Document | undefined {
    return this.inner.get(ns, idKey);
  }

  query(ns: string, shape: QueryShape): Entry[] {
    return this.inner.query(ns, { ...shape, deadline: this.deadline });
  }

  /** Goes through query() so that reading a whole collection is a scan like any other. */
  all(ns: string): Document[] {
    return this.query(ns, {}).map((entry) => entry[1]);
  }

  insert(ns: string, doc: Document): void {
    this.inner.insert(ns, doc);
  }

  replace(ns: string, idKey: string, after: Document): void {
    this.inner.replace(ns, idKey, after);
  }

  remove(ns: string, idKey: string): void {
    this.inner.remove(ns, idKey);
  }

  collectionExists(ns: string): boolean {
    return this.inner.collectionExists(ns);
  }
}
