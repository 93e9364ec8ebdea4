import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";
import { encodeCursor, type Page } from "../db/pagination";
import type { mongoose } from "@typegoose/typegoose";

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: "Pass as `after` to get the next page" })
  endCursor!: string | null;
}

export interface ConnectionShape<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  /** A getter: the count query runs only when `totalCount` is selected. */
  readonly totalCount: Promise<number>;
}

/** A Relay-style connection type (`<Name>Connection` with `<Name>Edge`) for a node type. */
export function connectionType<T extends object>(name: string, node: ClassType<T>): ClassType<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: "All matching items (costs one count query)" })
    totalCount!: Promise<number>;
  }
  return Connection;
}

export function toConnection<T extends { _id: mongoose.Types.ObjectId }>(page: Page<T>): ConnectionShape<T> {
  return {
    edges: page.nodes.map((node) => ({ cursor: encodeCursor(node._id), node })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    get totalCount() {
      return page.totalCount();
    },
  };
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: "Page size, 1 to 100 (default 20)" })
  first?: number;

  @Field(() => String, { nullable: true, description: "The endCursor of the previous page" })
  after?: string;
}
