/** The budgets capability's public face: thresholds, the budget store port, producer events. */
export * from './domain/budget-thresholds';
export type { AppliedBudgetChange, BudgetKey, BudgetSpending, BudgetStore } from './ports';
export {
  applyProducerEvent,
  type ProducerEvent,
  type ProducerEventDeps,
} from './use-cases/apply-producer-event';
export {
  announceReplicatedSpending,
  type ReplicatedSpendingDeps,
} from './use-cases/announce-replicated-spending';
