import type { StepHistory } from '../step-history.ts';
import type { StreamModel } from '../stream-model.ts';
import { createForwardGradient } from './create-forward-gradient.ts';
import { ForwardTrainer } from './forward-trainer.ts';
import type { StreamTrainer } from './stream-trainer.ts';
import { TbpttTrainer } from './tbptt-trainer.ts';

/**
 * The trainer of one training stream, for its model's `algorithm`: TBPTT over the stream's history,
 * or a forward-mode method with traces of its own (seeded from the model's seed, for UORO's noise).
 *
 * @param model the stream's model.
 * @param history the stream's steps (TBPTT's window).
 */
export function createTrainer(model: StreamModel, history: StepHistory): StreamTrainer {
  const { algorithm, seed } = model.config;
  if (algorithm === 'tbptt') return new TbpttTrainer(model, history);
  return new ForwardTrainer(model, createForwardGradient(algorithm, model.shape, seed));
}
