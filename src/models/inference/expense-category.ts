/**
 * Suggest a wedding budget category for a couple's expense note with the couple's A/B variant
 * of the expense model. Below the model's confidence threshold the model itself answers `other`
 * with its three best candidates rather than guessing.
 */
import type { ModelsForSupplier } from './observation';

export interface ExpenseSuggestion {
  readonly category: string;
  readonly confidence: number;
  readonly modelVersion: string;
  readonly variant: string;
  readonly candidates?: readonly { label: string; confidence: number }[];
}

/** `assignee` picks the variant (the couple's id: budgets belong to couples, not suppliers). */
export function suggestExpenseCategory(
  description: string,
  assignee: string,
  models: ModelsForSupplier,
): ExpenseSuggestion {
  const { variant, model } = models.forSupplier('expense-category', assignee);
  const [prediction] = model.predict([description]);
  if (!prediction) throw new Error('the expense model returned no prediction');
  return {
    category: prediction.label,
    confidence: Math.round(prediction.confidence * 10_000) / 10_000,
    modelVersion: prediction.modelVersion,
    variant,
    ...(prediction.candidates ? { candidates: prediction.candidates } : {}),
  };
}
