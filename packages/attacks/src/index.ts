/**
 * `@bdst/attacks`: the backdoor poisoning attacks of the paper (Sections 3 and 5.1) — BadNets
 * with a grayscale or RGB trigger, the clean-label attack (PGD + trigger), poisoning of an
 * unlabeled set (γ(D_U), Table 2), and the triggered test set on which ASR is measured.
 *
 * Every attack returns a new `ImageDataset` (from `@bdst/core`; uint8 on the host) with `meta.poisoned` and
 * `meta.originalLabels` filled in; the input is never modified.
 *
 * @packageDocumentation
 */
export { badnetsTrigger, triggerPlacement, RGB_TRIGGER_PALETTE } from './trigger/trigger.js';
export type { Trigger, TriggerKind, TriggerPosition, BadNetsTriggerOptions } from './trigger/trigger.js';
export { applyTrigger } from './trigger/apply-trigger.js';
export { poisonBadNets } from './badnets/poison-badnets.js';
export type { BadNetsOptions } from './badnets/poison-badnets.js';
export { pgdAttack } from './clean-label/pgd.js';
export type { PgdOptions } from './clean-label/pgd.js';
export { poisonCleanLabel } from './clean-label/poison-clean-label.js';
export type { CleanLabelOptions } from './clean-label/poison-clean-label.js';
export { trainCleanModel } from './clean-label/train-clean-model.js';
export type { CleanModelOptions, CleanModel } from './clean-label/train-clean-model.js';
export { poisonUnlabeled } from './poison/poison-unlabeled.js';
export type { UnlabeledPoisonOptions, UnlabeledCleanLabelOptions } from './poison/poison-unlabeled.js';
export { triggeredTestSet } from './poison/triggered-test-set.js';
