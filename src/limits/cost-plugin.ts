/**
 * Plugs the cost model into execution: before any resolver runs, the
 * operation's predicted REST calls and result size are checked against the
 * budgets, and an operation over either is answered with `QUERY_TOO_EXPENSIVE`
 * having made no call. Every executed answer carries `extensions.cost`; an
 * answer in parts (`@defer`, `@stream`) on its last part, when every REST
 * call of the request has been made. A subscription is checked the same way
 * before it subscribes: the budgets then bound what each of its events may
 * cost (each runs with its own budget).
 */
import type { DocumentNode, ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.ts';
import { CostModel, tooExpensive, type CostBudget, type CostEstimate } from './cost.ts';

/** Estimates kept per document, and the longest operation name and variables (as JSON) one is kept for. */
const ESTIMATES_PER_DOCUMENT = 16;
const MAX_ESTIMATE_KEY = 4096;

/** What every answer reports in `extensions.cost`. */
export interface CostReport {
  predictedRestCalls: number;
  /** REST calls actually sent, retries included. */
  restCalls: number;
  /** Of `restCalls`, the retries, when there were any: the prediction counts first attempts only. */
  retries?: number;
  predictedNodes: number;
  budget: CostBudget;
}

export function useCostLimit(model: CostModel, budget: CostBudget): Plugin<GatewayContext> {
  const report = (estimate: CostEstimate, context: GatewayContext): CostReport => ({
    predictedRestCalls: estimate.restCalls,
    restCalls: context.twilio?.restCalls ?? 0,
    ...(context.twilio?.retries ? { retries: context.twilio.retries } : {}),
    predictedNodes: estimate.nodes,
    budget,
  });
  const withCost = (result: ExecutionResult, cost: CostReport): ExecutionResult => ({ ...result, extensions: { ...result.extensions, cost } });
  // The estimate depends only on the document, the operation and the variables: kept per document (weakly, so it
  // goes with the parse cache's entry) for the last few operation names and variables it ran with.
  const estimates = new WeakMap<DocumentNode, Map<string, CostEstimate>>();
  const estimateOf = (document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined): CostEstimate => {
    let key: string;
    try {
      key = `${operationName ?? ''}\n${variables ? JSON.stringify(variables) : ''}`;
    } catch {
      // Variables nested past what JSON.stringify can walk: the JSON scalar refuses them, estimated as they are.
      return model.estimate(document, operationName, variables, budget);
    }
    if (key.length > MAX_ESTIMATE_KEY) return model.estimate(document, operationName, variables, budget);
    let known = estimates.get(document);
    if (!known) estimates.set(document, (known = new Map()));
    let estimate = known.get(key);
    if (!estimate) {
      estimate = model.estimate(document, operationName, variables, budget);
      if (known.size >= ESTIMATES_PER_DOCUMENT) known.delete(known.keys().next().value!);
      known.set(key, estimate);
    }
    return estimate;
  };
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const refusal = tooExpensive(estimateOf(args.document, args.operationName, args.variableValues as Record<string, unknown> | undefined), budget);
      if (refusal) setResultAndStopExecution({ errors: [refusal] });
    },
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as GatewayContext;
      const estimate = estimateOf(args.document, args.operationName, args.variableValues as Record<string, unknown> | undefined);
      const refusal = tooExpensive(estimate, budget);
      if (refusal) {
        setResultAndStopExecution(withCost({ errors: [refusal] }, report(estimate, context)));
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (!isAsyncIterable(result)) {
            setResult(withCost(result, report(estimate, context)));
            return;
          }
          return {
            onNext({ result: part, setResult: setPart }) {
              if ((part as { hasNext?: boolean }).hasNext === false) setPart(withCost(part, report(estimate, context)));
            },
          };
        },
      };
    },
  };
}
