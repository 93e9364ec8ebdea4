import { GraphQLDateTimeISO, GraphQLJSONObject, GraphQLSafeInt } from "graphql-scalars";

/** The custom scalars of the schema: ISO-8601 timestamps (always with Z), JSON objects, 53-bit integers (micro-euros). */
export { GraphQLDateTimeISO as DateTimeISO, GraphQLJSONObject as JSONObject, GraphQLSafeInt as SafeInt };
