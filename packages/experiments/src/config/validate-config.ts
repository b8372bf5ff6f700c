import { BACKEND_CHOICES } from '@bdst/core';
import { parseAugmentation } from '@bdst/augment';
import { ATTACK_KINDS, DATASET_NAMES, EXPERIMENT_KINDS, MODEL_NAMES } from './experiment-config.js';
import type { ExperimentConfig } from './experiment-config.js';
import { UsageError } from './usage-error.js';

type Schema =
  | { type: 'number'; integer?: boolean; min?: number; max?: number; above?: number; below?: number }
  | { type: 'string'; oneOf?: readonly string[]; check?: (value: string) => string | null }
  | { type: 'boolean' }
  | { type: 'array'; items: Schema; minLength?: number; length?: number }
  | { type: 'object'; fields: Record<string, Field> }
  | { type: 'nullable'; inner: Schema };

interface Field {
  schema: Schema;
  optional?: boolean;
}

const required = (schema: Schema): Field => ({ schema });
const optional = (schema: Schema): Field => ({ schema, optional: true });
const positiveInt: Schema = { type: 'number', integer: true, min: 1 };
const fraction: Schema = { type: 'number', min: 0, max: 1 };

const augmentationName: Schema = {
  type: 'string',
  check: (name) => {
    try {
      parseAugmentation(name);
      return null;
    } catch (error) {
      return (error as Error).message.split('\n')[0];
    }
  },
};

const training: Schema = {
  type: 'object',
  fields: {
    epochs: required(positiveInt),
    batchSize: required(positiveInt),
    lr: required({ type: 'number', above: 0 }),
    momentum: required({ type: 'number', min: 0, below: 1 }),
    weightDecay: required({ type: 'number', min: 0 }),
    milestones: required({ type: 'array', items: positiveInt }),
    gamma: required({ type: 'number', above: 0 }),
    augment: required({ type: 'string', oneOf: ['standard', 'none'] }),
  },
};

const experimentSchema: Schema = {
  type: 'object',
  fields: {
    name: required({ type: 'string' }),
    kind: required({ type: 'string', oneOf: EXPERIMENT_KINDS }),
    description: optional({ type: 'string' }),
    seed: required({ type: 'number', integer: true, min: 0 }),
    backend: optional({ type: 'string', oneOf: BACKEND_CHOICES }),
    dataset: required({
      type: 'object',
      fields: {
        name: required({ type: 'string', oneOf: DATASET_NAMES }),
        dir: optional({ type: 'string' }),
        tinyImagesPath: optional({ type: 'string' }),
        trainSize: optional({ type: 'nullable', inner: positiveInt }),
        testSize: optional({ type: 'nullable', inner: positiveInt }),
        unlabeledSize: optional({ type: 'nullable', inner: positiveInt }),
        labeledFraction: required({ type: 'number', above: 0, max: 1 }),
        imageSize: optional({ type: 'number', integer: true, min: 16 }),
        channels: optional({ type: 'number', integer: true, min: 1, max: 3 }),
        separateUnlabeled: optional({ type: 'boolean' }),
      },
    }),
    attack: required({
      type: 'object',
      fields: {
        kind: required({ type: 'string', oneOf: ATTACK_KINDS }),
        targetLabel: required({ type: 'number', integer: true, min: 0 }),
        triggerSize: required(positiveInt),
        labeledRatio: required(fraction),
        unlabeledRatio: required(fraction),
        cleanModel: optional(training),
      },
    }),
    model: required({
      type: 'object',
      fields: {
        name: required({ type: 'string', oneOf: MODEL_NAMES }),
        widths: optional({ type: 'array', items: positiveInt, length: 3 }),
      },
    }),
    selfTrain: required({
      type: 'object',
      fields: {
        iterations: required(positiveInt),
        fractionPerIteration: required({ type: 'number', above: 0, max: 1 }),
        transform: required(augmentationName),
        pretrain: required(training),
        retrain: required(training),
        final: required(training),
      },
    }),
    pilot: optional({
      type: 'object',
      fields: {
        variants: required({
          type: 'array',
          minLength: 1,
          items: {
            type: 'object',
            fields: {
              pseudoLabelOn: required({ type: 'string', oneOf: ['unlabeled', 'labeled+unlabeled'] }),
              unlabeledRatio: required(fraction),
            },
          },
        }),
      },
    }),
    simclr: optional({
      type: 'object',
      fields: {
        epochs: required(positiveInt),
        batchSize: required({ type: 'number', integer: true, min: 2 }),
        lr: required({ type: 'number', above: 0 }),
        momentum: required({ type: 'number', min: 0, below: 1 }),
        weightDecay: required({ type: 'number', min: 0 }),
        temperature: required({ type: 'number', above: 0 }),
        projectionDim: required(positiveInt),
      },
    }),
    screen: optional({
      type: 'object',
      fields: {
        attacks: required({ type: 'array', minLength: 1, items: { type: 'string', oneOf: ATTACK_KINDS } }),
        augmentations: required({ type: 'array', minLength: 1, items: augmentationName }),
        draws: required(positiveInt),
        modelDir: optional({ type: 'string' }),
      },
    }),
  },
};

/**
 * Checks that `value` (e.g. a parsed `config.json`) is a complete {@link ExperimentConfig} and
 * returns it with `backend` defaulted to `'auto'`. Unknown keys are refused (a typo would otherwise
 * be silently ignored), and so is a kind without its section (`pilot`, `simclr`, `screen`).
 *
 * @param source how to name the config in messages (e.g. the file path). Default `'config'`.
 * @throws UsageError whose message names the bad key, e.g.
 *   `config: selfTrain.retrain.epochs must be an integer ≥ 1, but got 0`.
 */
export function validateExperimentConfig(value: unknown, source = 'config'): ExperimentConfig {
  check(value, experimentSchema, '', source);
  const config = value as ExperimentConfig;
  const need = { 'table1-pilot': 'pilot', 'table3-simclr': 'simclr', 'figure1-screen': 'screen', table2: null } as const;
  const section = need[config.kind];
  if (section && config[section] === undefined) throw new UsageError(`${source}: kind '${config.kind}' needs a '${section}' section`);
  if (config.attack.targetLabel >= 10) throw new UsageError(`${source}: attack.targetLabel must be a class index in [0, 10), but got ${config.attack.targetLabel}`);
  if (config.dataset.channels !== undefined && config.dataset.channels !== 1 && config.dataset.channels !== 3) {
    throw new UsageError(`${source}: dataset.channels must be 1 or 3, but got ${config.dataset.channels}`);
  }
  if (config.dataset.name === 'cifar10+tinyimages' && !config.dataset.tinyImagesPath) {
    throw new UsageError(`${source}: dataset.tinyImagesPath is required for 'cifar10+tinyimages' (the ti_500K_pseudo_labeled.pickle file; pass --tiny-images <path>)`);
  }
  if (config.screen?.modelDir !== undefined && config.screen.attacks.length !== 1) {
    throw new UsageError(`${source}: screen.modelDir screens one model, so screen.attacks must name exactly the attack it was poisoned with, but it has ${config.screen.attacks.length}`);
  }
  if (config.attack.kind === 'clean-label' && !config.attack.cleanModel) {
    throw new UsageError(`${source}: attack.cleanModel (the training of the model PGD attacks) is required for the clean-label attack`);
  }
  return { ...config, backend: config.backend ?? 'auto' };
}

function check(value: unknown, schema: Schema, path: string, source: string): void {
  const where = path === '' ? 'the config' : path;
  const fail = (expected: string): never => {
    throw new UsageError(`${source}: ${where} must be ${expected}, but got ${show(value)}`);
  };
  switch (schema.type) {
    case 'nullable':
      if (value !== null) check(value, schema.inner, path, source);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail('true or false');
      return;
    case 'number': {
      const bounds = [
        schema.min !== undefined ? `≥ ${schema.min}` : null,
        schema.above !== undefined ? `> ${schema.above}` : null,
        schema.max !== undefined ? `≤ ${schema.max}` : null,
        schema.below !== undefined ? `< ${schema.below}` : null,
      ].filter((b) => b !== null);
      const expected = `${schema.integer ? 'an integer' : 'a number'}${bounds.length ? ' ' + bounds.join(' and ') : ''}`;
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(expected);
      const v = value as number;
      if (schema.integer && !Number.isInteger(v)) fail(expected);
      if ((schema.min !== undefined && v < schema.min) || (schema.max !== undefined && v > schema.max)) fail(expected);
      if ((schema.above !== undefined && v <= schema.above) || (schema.below !== undefined && v >= schema.below)) fail(expected);
      return;
    }
    case 'string': {
      if (typeof value !== 'string' || value.length === 0) fail(schema.oneOf ? `one of ${schema.oneOf.map((s) => `'${s}'`).join(', ')}` : 'a non-empty string');
      if (schema.oneOf && !schema.oneOf.includes(value as string)) fail(`one of ${schema.oneOf.map((s) => `'${s}'`).join(', ')}`);
      const problem = schema.check?.(value as string);
      if (problem) throw new UsageError(`${source}: ${where} is not a valid augmentation name: ${problem}`);
      return;
    }
    case 'array': {
      if (!Array.isArray(value)) fail('an array');
      const items = value as unknown[];
      if (schema.length !== undefined && items.length !== schema.length) fail(`an array of ${schema.length} items`);
      if (schema.minLength !== undefined && items.length < schema.minLength) fail(`an array of at least ${schema.minLength} item(s)`);
      items.forEach((item, i) => check(item, schema.items, `${path}[${i}]`, source));
      return;
    }
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('an object');
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (!(key in schema.fields)) {
          const known = Object.keys(schema.fields).join(', ');
          throw new UsageError(`${source}: unknown key '${path === '' ? key : `${path}.${key}`}' (known keys here: ${known})`);
        }
      }
      for (const [key, field] of Object.entries(schema.fields)) {
        const child = path === '' ? key : `${path}.${key}`;
        if (record[key] === undefined) {
          if (!field.optional) throw new UsageError(`${source}: missing key '${child}'`);
          continue;
        }
        check(record[key], field.schema, child, source);
      }
      return;
    }
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
