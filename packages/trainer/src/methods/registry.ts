// Every training method by its --method name: the table a new method adds its row to.
import { adamwMethod } from './adamw-method';
import { COLA_M_METHOD, COLA_METHOD } from './cola-method';
import { CRNET_M_METHOD, CRNET_METHOD } from './crnet-method';
import { FIRA_METHOD, GALORE_METHOD } from './galore-method';
import { SST_METHOD } from './sst-method';
import { SWITCHLORA_METHOD } from './switchlora-method';
import type { TrainingMethod } from './training-method';

/** The methods `relora-pretrain --method` and `TrainerOptions.method` accept, by name. */
export const TRAINING_METHODS = {
  relora: adamwMethod('relora'),
  galore: GALORE_METHOD,
  fira: FIRA_METHOD,
  switchlora: SWITCHLORA_METHOD,
  full: adamwMethod('full'),
  lora: adamwMethod('lora'),
  cola: COLA_METHOD,
  'cola-m': COLA_M_METHOD,
  sst: SST_METHOD,
  crnet: CRNET_METHOD,
  'crnet-m': CRNET_M_METHOD,
} as const satisfies Record<string, TrainingMethod>;

/** A `--method` name. */
export type MethodName = keyof typeof TRAINING_METHODS;

/** The method called `name`, or undefined. */
export function trainingMethod(name: string): TrainingMethod | undefined {
  return Object.hasOwn(TRAINING_METHODS, name) ? TRAINING_METHODS[name as MethodName] : undefined;
}

/** The method called `name`; throws naming the methods there are when there is none. */
export function requireTrainingMethod(name: string): TrainingMethod {
  const method = trainingMethod(name);
  if (!method)
    throw new Error(
      `unknown training method '${name}'; expected one of ${Object.keys(TRAINING_METHODS).join(', ')}`,
    );
  return method;
}
