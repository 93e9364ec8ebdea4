import { Context, ProcessingMode } from "mingo";
import * as accumulatorOperators from "mingo/operators/accumulator";
import * as expressionOperators from "mingo/operators/expression";
import * as pipelineOperators from "mingo/operators/pipeline";
import * as projectionOperators from "mingo/operators/projection";
import * as queryOperators from "mingo/operators/query";
import * as windowOperators from "mingo/operators/window";
import type { Options } from "mingo/types";
import { $count, $sum, $type, $typeExpression } from "./mingo-operators";

/**
 * Prebuilt mingo contexts. mingo copies the operator tables of the context it is given on every Query/update
 * call, so a small context for plain queries (the hot path) is ~3x cheaper than the full one, which is used only
 * when a filter has `$expr`/`$where`/`$jsonSchema`, and for projections, updates and aggregations.
 */
const query = { ...queryOperators, $type };

export const queryContext = Context.init({ query });

export const fullContext = Context.init({
  accumulator: { ...accumulatorOperators, $sum },
  expression: { ...expressionOperators, $type: $typeExpression },
  pipeline: { ...pipelineOperators, $count },
  projection: projectionOperators,
  query,
  window: windowOperators,
});

export function queryOptions(context: Context, extra: Partial<Options> = {}): Partial<Options> {
  return { context, processingMode: ProcessingMode.CLONE_OFF, scriptEnabled: false, ...extra };
}
