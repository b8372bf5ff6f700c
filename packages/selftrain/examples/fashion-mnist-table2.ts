/**
 * Table 2 of the paper on real Fashion-MNIST, scaled to two CPU cores: pretrained model,
 * semi-supervised baseline (`transform: null`) and the proposed method (Algorithm 1 with
 * RCS0.5+VFlip), under BadNets gray-scale at γ(D_L) = 0.1 and γ(D_U) ∈ {0.1, 0.01}, over seeds.
 *
 *   node --conditions=source --import tsx packages/selftrain/examples/fashion-mnist-table2.ts \
 *     --seeds 0,1,2 --train-size 5000 --test-size 2000 --out /tmp/bdst/selftrain/fmnist
 *
 * Each seed draws its own stratified subset of the 60,000 training images (20% labeled, Section
 * 5.1), its own poisoned samples and its own weights. One pretrained model per seed starts all
 * four self-training runs (baseline and proposed at both γ(D_U)). Every run checkpoints under
 * `--out`, so the script can be killed and started again. One JSON line per finished run goes to
 * `<out>/results.jsonl`; the Markdown table (mean ± sample std over seeds) is printed at the end.
 */
import { mkdir, appendFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, initBackend, loadFashionMnist, loadModel, saveModel, smallCnn, train } from '@bdst/core';
import type { Rng } from '@bdst/core';
import { badnetsTrigger, poisonBadNets, poisonUnlabeled, triggeredTestSet } from '@bdst/attacks';
import { standardTrainAugment } from '@bdst/augment';
import { evaluate } from '@bdst/metrics';
import { paperPresets, selfTrain } from '@bdst/selftrain';
import type { TrainingSettings } from '@bdst/selftrain';

interface RunRecord {
  seed: number;
  gammaU: number | null;
  method: 'pretrained' | 'baseline' | 'proposed';
  sa: number;
  asr: number;
  iterations?: { n: number; selected: number; poisoned: number; poisonedWithTarget: number; pseudoLabelAccuracy: number; sa: number | null; asr: number | null; numTensors: number }[];
  seconds: number;
}

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const seeds = argument('seeds', '0,1,2').split(',').map(Number);
const gammas = argument('gammas', '0.1,0.01').split(',').map(Number);
const trainSize = Number(argument('train-size', '5000'));
const testSize = Number(argument('test-size', '2000'));
const out = argument('out', '/tmp/bdst/selftrain/fmnist');
const preset = paperPresets['cpu-small'];
const withAugment = (s: TrainingSettings): TrainingSettings => ({ ...s, transform: standardTrainAugment });

const started = performance.now();
const backend = await initBackend();
await mkdir(out, { recursive: true });
const resultsFile = join(out, 'results.jsonl');
const done: RunRecord[] = existsSync(resultsFile)
  ? (await readFile(resultsFile, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunRecord)
  : [];
const record = async (r: RunRecord): Promise<void> => {
  done.push(r);
  await appendFile(resultsFile, `${JSON.stringify(r)}\n`);
  console.log(`[${((performance.now() - started) / 1000).toFixed(0)} s] seed ${r.seed} γ(D_U) ${r.gammaU ?? '-'} ${r.method}: SA ${(100 * r.sa).toFixed(2)} % ASR ${(100 * r.asr).toFixed(2)} % (${r.seconds.toFixed(0)} s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, tensors ${tf.memory().numTensors})`);
};
const isDone = (seed: number, gammaU: number | null, method: RunRecord['method']) => done.some((r) => r.seed === seed && r.gammaU === gammaU && r.method === method);

const fullTrain = await loadFashionMnist({ split: 'train' });
const fullTest = await loadFashionMnist({ split: 'test' });
const trigger = badnetsTrigger({ kind: 'grayscale', size: 5, position: 'bottom-right' });
const targetLabel = 1;
const createModel = (r: Rng) => smallCnn({ inputShape: [28, 28, 1], numClasses: 10, rng: r, widths: preset.smallCnnWidths });
console.log(`backend ${backend.name}; seeds ${seeds.join(',')}; γ(D_U) ${gammas.join(',')}; ${trainSize} training images (20% labeled), ${testSize} test images; preset ${preset.name}`);

for (const seed of seeds) {
  const rng = createRng(`fmnist-table2-${seed}`);
  const [subset] = fullTrain.split(trainSize / fullTrain.length, rng.fork('subset'));
  const [labeled, unlabeledClean] = subset.split(0.2, rng.fork('labeled-split'));
  const [test] = fullTest.split(testSize / fullTest.length, rng.fork('test-subset'));
  const poisonedLabeled = poisonBadNets(labeled, { trigger, targetLabel, ratio: 0.1, rng: rng.fork('poison-labeled') });
  const evaluation = { clean: test, triggered: triggeredTestSet(test, trigger, targetLabel), targetLabel };

  // Pretraining on D_L (Algorithm 1's input), once per seed, saved so a restarted script reuses it.
  const pretrainedDir = join(out, `seed-${seed}`, 'pretrained');
  let pretrained;
  if (existsSync(join(pretrainedDir, 'model.json'))) {
    pretrained = await loadModel(pretrainedDir);
  } else {
    const t0 = performance.now();
    pretrained = createModel(rng.fork('pretrain/init'));
    await train(pretrained, poisonedLabeled, { ...withAugment(preset.pretrain), rng: rng.fork('pretrain/train'), checkpointDir: join(out, `seed-${seed}`, 'pretrain-checkpoint') });
    await saveModel(pretrained, pretrainedDir);
    const e = await evaluate(pretrained, { ...evaluation, batchSize: 500 });
    if (!isDone(seed, null, 'pretrained')) await record({ seed, gammaU: null, method: 'pretrained', sa: e.sa, asr: e.asr, seconds: (performance.now() - t0) / 1000 });
  }

  for (const gammaU of gammas) {
    const unlabeled = await poisonUnlabeled(unlabeledClean, { trigger, ratio: gammaU, rng: rng.fork(`poison-unlabeled-${gammaU}`) });
    for (const method of ['baseline', 'proposed'] as const) {
      if (isDone(seed, gammaU, method)) continue;
      const t0 = performance.now();
      const iterations: NonNullable<RunRecord['iterations']> = [];
      const result = await selfTrain({
        labeled: poisonedLabeled,
        unlabeled,
        createModel,
        pretrained,
        ...(method === 'baseline' && { transform: null }),
        iterations: preset.iterations,
        fractionPerIteration: preset.fractionPerIteration,
        retrain: withAugment(preset.retrain),
        final: withAugment(preset.final),
        evaluate: evaluation,
        predictBatchSize: 500,
        rng: rng.fork(`selftrain-${gammaU}-${method}`),
        checkpointDir: join(out, `seed-${seed}`, `gamma-${gammaU}`, method),
        onIterationEnd: (r) =>
          iterations.push({
            n: r.iteration,
            selected: r.selectedCount,
            poisoned: r.selection.poisoned,
            poisonedWithTarget: r.selection.poisonedWithTarget,
            pseudoLabelAccuracy: r.selection.pseudoLabelAccuracy,
            sa: r.evaluation?.sa ?? null,
            asr: r.evaluation?.asr ?? null,
            numTensors: tf.memory().numTensors,
          }),
      });
      const final = result.history.final!.evaluation!;
      result.model.dispose();
      result.selfTrainedModel.dispose();
      await record({ seed, gammaU, method, sa: final.sa, asr: final.asr!, iterations, seconds: (performance.now() - t0) / 1000 });
    }
  }
  pretrained.dispose();
}

// Table 2 layout: rows γ(D_U); columns pretrained / baseline / proposed SA and ASR, mean ± std over seeds.
const cell = (values: number[]): string => {
  if (values.length === 0) return '—';
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : NaN;
  return `${(100 * mean).toFixed(2)} %${Number.isNaN(std) ? '' : ` ± ${(100 * std).toFixed(2)}`}`;
};
const pick = (gammaU: number | null, method: RunRecord['method'], key: 'sa' | 'asr') => done.filter((r) => r.gammaU === gammaU && r.method === method && seeds.includes(r.seed)).map((r) => r[key]);
console.log('\n| γ(D_U) | Pretrained SA | Pretrained ASR | Baseline SA | Baseline ASR | Proposed SA | Proposed ASR |');
console.log('|---|---|---|---|---|---|---|');
for (const gammaU of gammas) {
  console.log(`| ${gammaU} | ${cell(pick(null, 'pretrained', 'sa'))} | ${cell(pick(null, 'pretrained', 'asr'))} | ${cell(pick(gammaU, 'baseline', 'sa'))} | ${cell(pick(gammaU, 'baseline', 'asr'))} | ${cell(pick(gammaU, 'proposed', 'sa'))} | ${cell(pick(gammaU, 'proposed', 'asr'))} |`);
}
const usage = process.resourceUsage();
console.log(`\nwall ${((performance.now() - started) / 1000).toFixed(0)} s in this process; peak RSS ${(usage.maxRSS / 1024).toFixed(0)} MiB; backend ${backend.name}`);
