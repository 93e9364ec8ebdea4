import { Context, ProcessingMode } from "mingo";
import * as accumulatorOperators from "mingo/operators/accumulator";
import * as expressionOperators from "mingo/operators/expression";
import * as pipelineOperators from "mingo/operators/pipeline";
import * as projectionOperators from "mingo/operators/projection";
import * as queryOperators from "mingo/operators/query";
import * as windowOperators from "mingo/operators/window";
import type { Options } from "mingo/types";
import { $count, $sum, $type, $typeExpression } from "./mingo-operators";
import { REGEX_OPERATOR } from "./regex.filter";
import { $all, $in, $nin, $regex, $regexFind, $regexFindAll, $regexMatch, re2RegexOperator } from "./regex.operators";

/**
 * Prebuilt mingo contexts. mingo copies the operator tables of the context it is given on every Query/update
 * call, so a small context for plain queries (the hot path) is ~3x cheaper than the full one, which is used only
 * when a filter has `$expr`/`$where`/`$jsonSchema`, and for projections, updates and aggregations.
 */
// Every operator that matches a regular expression is the engine's own, running RE2 (see regex.operators.ts).
const query = { ...queryOperators, $type, $regex, $in, $nin, $all, [REGEX_OPERATOR]: re2RegexOperator };

export const queryContext = Context.init({ query });

export const fullContext = Context.init({
  accumulator: { ...accumulatorOperators, $sum },
  expression: { ...expressionOperators, $type: $typeExpression, $regexMatch, $regexFind, $regexFindAll },
  pipeline: { ...pipelineOperators, $count },
  projection: projectionOperators,
  query,
  window: windowOperators,
});

export function queryOptions(context: Context, extra: Partial<Options> = {}): Partial<Options> {
  return { context, processingMode: ProcessingMode.CLONE_OFF, scriptEnabled: false, ...extra };
}
