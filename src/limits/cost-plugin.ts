/**
 * Plugs the cost model into execution: before any resolver runs, the
 * operation's predicted REST calls and result size are checked against the
 * budgets, and an operation over either is answered with `QUERY_TOO_EXPENSIVE`
 * having made no call. Every executed answer carries `extensions.cost`.
 */
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.ts';
import { CostModel, tooExpensive, type CostBudget, type CostEstimate } from './cost.ts';

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
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as GatewayContext;
      const estimate = model.estimate(args.document, args.operationName, args.variableValues as Record<string, unknown> | undefined, budget);
      const refusal = tooExpensive(estimate, budget);
      if (refusal) {
        setResultAndStopExecution(withCost({ errors: [refusal] }, report(estimate, context)));
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          // Incremental results (none today) would carry it on their last part instead.
          if (Symbol.asyncIterator in result) return;
          setResult(withCost(result, report(estimate, context)));
        },
      };
    },
  };
}
