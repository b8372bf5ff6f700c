import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, UsageError, demoConfig, resolvePreset, validateExperimentConfig } from '@bdst/experiments';
import type { ExperimentConfig } from '@bdst/experiments';

const SCALES = ['paper', 'cpu', 'tiny'] as const;

describe('presets', () => {
  it('cover Table 1, each Table 2 row, Table 3 and Figure 1', () => {
    expect(PRESET_NAMES).toEqual([
      'table1-pilot',
      'table2-badnet-gray-0.1',
      'table2-badnet-rgb-0.1',
      'table2-badnet-gray-0.01',
      'table2-badnet-rgb-0.01',
      'table2-clean-label-0.25',
      'table2-tinyimages-badnet-gray-0.01',
      'table2-tinyimages-badnet-rgb-0.01',
      'table2-tinyimages-clean-label-0.05',
      'table3-simclr',
      'figure1-screen',
    ]);
  });

  for (const name of PRESET_NAMES) {
    it(`${name} resolves to a valid config at every scale`, () => {
      for (const scale of SCALES) {
        const config = resolvePreset(name, { scale, seed: 3 });
        expect(validateExperimentConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
        expect(config.seed).toBe(3);
        expect(config.selfTrain.iterations).toBe(4); // N, Section 5.1
        expect(config.selfTrain.fractionPerIteration).toBe(0.3); // k
        expect(config.selfTrain.transform).toBe('RCS0.5+VFlip'); // T
        expect(config.attack.targetLabel).toBe(1);
      }
    });
  }

  it('uses the paper\'s models, epochs and schedules at --scale paper (Section 5.1)', () => {
    const cifar = resolvePreset('table2-badnet-gray-0.1', { scale: 'paper' });
    expect(cifar.model.name).toBe('vgg16');
    expect(cifar.dataset).toMatchObject({ name: 'cifar10', labeledFraction: 0.2, trainSize: null });
    expect(cifar.attack).toMatchObject({ kind: 'badnets-gray', triggerSize: 5, labeledRatio: 0.1, unlabeledRatio: 0.1 });
    expect(cifar.selfTrain.pretrain).toMatchObject({ epochs: 200, lr: 0.01, milestones: [100], gamma: 0.5, batchSize: 128, momentum: 0.9, weightDecay: 1e-4 });
    expect(cifar.selfTrain.retrain).toMatchObject({ epochs: 150, lr: 0.01, milestones: [100], gamma: 0.5 });
    expect(cifar.selfTrain.final).toMatchObject({ epochs: 300, lr: 0.01, milestones: [100, 200], gamma: 0.5 });
    const ti = resolvePreset('table2-tinyimages-badnet-rgb-0.01', { scale: 'paper' });
    expect(ti.model.name).toBe('resnet18');
    expect(ti.dataset).toMatchObject({ name: 'cifar10+tinyimages', labeledFraction: 1 });
    expect(ti.selfTrain.retrain).toMatchObject({ epochs: 110, lr: 0.1, milestones: [50, 100], gamma: 0.1 });
    expect(ti.selfTrain.final).toMatchObject({ epochs: 250, lr: 0.1, milestones: [90, 180], gamma: 0.1 });
    const cleanLabel = resolvePreset('table2-clean-label-0.25', { scale: 'paper' });
    expect(cleanLabel.attack).toMatchObject({ kind: 'clean-label', labeledRatio: 0.5, unlabeledRatio: 0.25 });
    expect(resolvePreset('table3-simclr', { scale: 'paper' }).simclr).toEqual({ epochs: 1000, batchSize: 512, lr: 0.6, momentum: 0.9, weightDecay: 1e-6, temperature: 0.5, projectionDim: 128 });
    expect(resolvePreset('figure1-screen', { scale: 'paper' }).screen?.draws).toBe(6);
  });

  it('sets Table 1\'s four variants', () => {
    expect(resolvePreset('table1-pilot').pilot?.variants).toEqual([
      { pseudoLabelOn: 'unlabeled', unlabeledRatio: 0 },
      { pseudoLabelOn: 'unlabeled', unlabeledRatio: 0.1 },
      { pseudoLabelOn: 'labeled+unlabeled', unlabeledRatio: 0 },
      { pseudoLabelOn: 'labeled+unlabeled', unlabeledRatio: 0.1 },
    ]);
  });

  it('refuses an unknown preset with the list of known ones', () => {
    expect(() => resolvePreset('table9')).toThrow(UsageError);
    expect(() => resolvePreset('table9')).toThrow(/unknown preset 'table9'; the presets are: table1-pilot, /);
  });
});

describe('validateExperimentConfig', () => {
  const base = (): ExperimentConfig => JSON.parse(JSON.stringify(demoConfig()));
  const expectError = (mutate: (c: Record<string, any>) => void, message: RegExp) => {
    const config = base() as unknown as Record<string, any>;
    mutate(config);
    expect(() => validateExperimentConfig(config, 'my.json')).toThrow(UsageError);
    expect(() => validateExperimentConfig(config, 'my.json')).toThrow(message);
  };

  it('accepts the demo config and defaults the backend', () => {
    const { backend, ...rest } = base();
    expect(validateExperimentConfig(rest).backend).toBe('auto');
    expect(backend).toBe('auto');
  });

  it('names the bad key in every message', () => {
    expectError((c) => (c.selfTrain.retrain.epochs = 0), /^my\.json: selfTrain\.retrain\.epochs must be an integer ≥ 1, but got 0$/);
    expectError((c) => (c.selfTrain.retrian = {}), /unknown key 'selfTrain\.retrian'/);
    expectError((c) => delete c.attack.kind, /missing key 'attack\.kind'/);
    expectError((c) => (c.attack.kind = 'badnet'), /attack\.kind must be one of 'badnets-gray', 'badnets-rgb', 'clean-label', but got "badnet"/);
    expectError((c) => (c.attack.unlabeledRatio = 2), /attack\.unlabeledRatio must be a number ≥ 0 and ≤ 1, but got 2/);
    expectError((c) => (c.dataset.name = 'mnist'), /dataset\.name must be one of/);
    expectError((c) => (c.selfTrain.transform = 'RCS0.5+Flop'), /selfTrain\.transform is not a valid augmentation name/);
    expectError((c) => (c.selfTrain.pretrain.milestones = [10, 'x']), /selfTrain\.pretrain\.milestones\[1\] must be an integer ≥ 1, but got "x"/);
    expectError((c) => (c.model.widths = [8, 16]), /model\.widths must be an array of 3 items/);
    expectError((c) => (c.kind = 'figure1-screen'), /kind 'figure1-screen' needs a 'screen' section/);
    expectError((c) => (c.attack.kind = 'clean-label'), /attack\.cleanModel .* is required for the clean-label attack/);
  });

  it('refuses a value that is not an object', () => {
    expect(() => validateExperimentConfig([], 'x.json')).toThrow(/^x\.json: the config must be an object, but got \[\]$/);
  });
});
