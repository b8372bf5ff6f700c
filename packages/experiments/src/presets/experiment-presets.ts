import { augmentationNames } from '@bdst/augment';
import type { AttackKind, DatasetConfig, ExperimentConfig, ExperimentKind } from '../config/experiment-config.js';
import { UsageError } from '../config/usage-error.js';
import { validateExperimentConfig } from '../config/validate-config.js';
import { scaleSettings } from './scale.js';
import type { ExperimentScale } from './scale.js';

/** What a preset is, before a scale is applied. */
interface PresetSpec {
  kind: ExperimentKind;
  description: string;
  /** The paper's setting: CIFAR-10 20% labeled (VGG-16) or CIFAR-10 + 500K TinyImages (ResNet-18). */
  setting: 'cifar10' | 'tinyimages';
  attack: AttackKind;
  /** γ(D_U). */
  unlabeledRatio: number;
}

const TABLE1_VARIANTS = [
  { pseudoLabelOn: 'unlabeled', unlabeledRatio: 0 },
  { pseudoLabelOn: 'unlabeled', unlabeledRatio: 0.1 },
  { pseudoLabelOn: 'labeled+unlabeled', unlabeledRatio: 0 },
  { pseudoLabelOn: 'labeled+unlabeled', unlabeledRatio: 0.1 },
] as const;

const SPECS: Record<string, PresetSpec> = {
  'table1-pilot': {
    kind: 'table1-pilot',
    description: 'Table 1: vanilla self-training (no augmentation) with pseudo-labels on D_U or D_L ∪ D_U, clean or poisoned D_U (γ(D_L) = 0.1, BadNets gray)',
    setting: 'cifar10',
    attack: 'badnets-gray',
    unlabeledRatio: 0.1,
  },
  'table2-badnet-gray-0.1': row('BadNet Gray-Scale', 'badnets-gray', 0.1),
  'table2-badnet-rgb-0.1': row('BadNet RGB', 'badnets-rgb', 0.1),
  'table2-badnet-gray-0.01': row('BadNet Gray-Scale', 'badnets-gray', 0.01),
  'table2-badnet-rgb-0.01': row('BadNet RGB', 'badnets-rgb', 0.01),
  'table2-clean-label-0.25': row('Clean-Label Attack', 'clean-label', 0.25),
  'table2-tinyimages-badnet-gray-0.01': row('BadNet Gray-Scale', 'badnets-gray', 0.01, 'tinyimages'),
  'table2-tinyimages-badnet-rgb-0.01': row('BadNet RGB', 'badnets-rgb', 0.01, 'tinyimages'),
  'table2-tinyimages-clean-label-0.05': row('Clean-Label Attack', 'clean-label', 0.05, 'tinyimages'),
  'table3-simclr': {
    kind: 'table3-simclr',
    description: 'Table 3: self-training with SimCLR + K-Means (Algorithm 2), BadNets gray, γ(D_L) = 0.1, CIFAR-10',
    setting: 'cifar10',
    attack: 'badnets-gray',
    unlabeledRatio: 0.1,
  },
  'figure1-screen': {
    kind: 'figure1-screen',
    description: 'Figure 1: SA and ASR of models trained on poisoned D_L under each test-time augmentation, for the three attacks',
    setting: 'cifar10',
    attack: 'badnets-gray',
    unlabeledRatio: 0,
  },
};

function row(attackName: string, attack: AttackKind, unlabeledRatio: number, setting: 'cifar10' | 'tinyimages' = 'cifar10'): PresetSpec {
  const data = setting === 'cifar10' ? 'CIFAR-10 (20% labeled)' : 'CIFAR-10 + 500K TinyImages';
  return {
    kind: 'table2',
    description: `Table 2 row: ${data}, ${attackName}, γ(D_U) = ${unlabeledRatio}: pretrained vs. semi-supervised baseline vs. proposed (Algorithm 1)`,
    setting,
    attack,
    unlabeledRatio,
  };
}

/** The names `bdst run` accepts, in the paper's order (Table 1, Table 2's rows, Table 3, Figure 1). */
export const PRESET_NAMES: readonly string[] = Object.keys(SPECS);

/** A one-line description of each preset, by name. */
export function presetDescription(name: string): string {
  return specFor(name).description;
}

/** Options of {@link resolvePreset}. */
export interface ResolvePresetOptions {
  /** `'paper'` (the paper's models and epochs), `'cpu'` (two CPU cores) or `'tiny'` (smoke tests). Default `'cpu'`. */
  scale?: ExperimentScale;
  /** Seed of the run. Default 0. */
  seed?: number;
}

/**
 * The full {@link ExperimentConfig} of a preset at a scale: the paper's attack, ratios, N, k and T,
 * with the model, epochs and data sizes of the scale. At `'tiny'` scale the data are synthetic
 * (16×16, RGB) so the run needs no download.
 *
 * @throws UsageError for an unknown preset name (the message lists the known ones).
 */
export function resolvePreset(name: string, options: ResolvePresetOptions = {}): ExperimentConfig {
  const spec = specFor(name);
  const scale = options.scale ?? 'cpu';
  const s = scaleSettings(scale, spec.setting);
  const cleanLabel = spec.attack === 'clean-label';
  const dataset: DatasetConfig =
    scale === 'tiny'
      ? { name: 'synthetic', imageSize: 16, channels: 3, labeledFraction: spec.setting === 'tinyimages' ? 1 : 0.2, separateUnlabeled: spec.setting === 'tinyimages', ...s.sizes }
      : spec.setting === 'tinyimages'
        ? { name: 'cifar10+tinyimages', dir: 'data/cifar10', tinyImagesPath: 'data/ti_500K_pseudo_labeled.pickle', labeledFraction: 1, ...s.sizes }
        : { name: 'cifar10', dir: 'data/cifar10', labeledFraction: 0.2, ...s.sizes };
  const config: ExperimentConfig = {
    name,
    kind: spec.kind,
    description: spec.description,
    seed: options.seed ?? 0,
    backend: 'auto',
    dataset,
    attack: {
      kind: spec.attack,
      targetLabel: 1,
      triggerSize: s.triggerSize,
      // Section 5.1: "10 % for the BadNet attack and 5 % (50 % from the target class) for the Clean Label attack".
      labeledRatio: cleanLabel ? 0.5 : 0.1,
      unlabeledRatio: spec.unlabeledRatio,
      ...(cleanLabel || spec.kind === 'figure1-screen' ? { cleanModel: s.cleanModel } : {}),
    },
    model: s.model,
    selfTrain: {
      iterations: 4,
      fractionPerIteration: 0.3,
      transform: 'RCS0.5+VFlip',
      pretrain: s.pretrain,
      retrain: s.retrain,
      final: s.final,
    },
  };
  if (spec.kind === 'table1-pilot') config.pilot = { variants: TABLE1_VARIANTS.map((v) => ({ ...v })) };
  if (spec.kind === 'table3-simclr') config.simclr = s.simclr;
  if (spec.kind === 'figure1-screen') {
    config.screen = {
      attacks: ['badnets-gray', 'badnets-rgb', 'clean-label'],
      augmentations: scale === 'tiny' ? ['NoAug', 'VFlip', 'RCS0.5+VFlip', 'GNoise'] : [...augmentationNames],
      draws: s.screenDraws,
    };
  }
  return validateExperimentConfig(config, `preset ${name}`);
}

function specFor(name: string): PresetSpec {
  const spec = Object.prototype.hasOwnProperty.call(SPECS, name) ? SPECS[name] : undefined;
  if (!spec) throw new UsageError(`unknown preset '${name}'; the presets are: ${PRESET_NAMES.join(', ')} (or give a config.json path)`);
  return spec;
}
