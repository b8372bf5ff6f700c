import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, initBackend } from '@bdst/core';
import { SELF_TRAIN_STATE_FILE, SelfTrainer, selfTrain } from '@bdst/selftrain';
import type { SelfTrainPhase, SelfTrainResult } from '@bdst/selftrain';
import { resumeRunOptions } from './fixtures/resume-setup.js';

const weightsOf = (model: LayersModel): number[][] => model.getWeights().map((w) => Array.from(w.dataSync()));

describe('SelfTrainer checkpoints: a killed run resumes to the same result', () => {
  const dirs: string[] = [];
  let reference: SelfTrainResult;
  let referenceWeights: number[][];
  const newDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bdst-selftrain-resume-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    reference = await selfTrain(await resumeRunOptions());
    referenceWeights = weightsOf(reference.model);
  });
  afterAll(async () => {
    reference.model.dispose();
    reference.selfTrainedModel.dispose();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  /** Runs with a checkpoint, aborting once `phase` has finished `epoch` epochs; returns the resumed run's result. */
  async function abortAndResume(phase: SelfTrainPhase, epoch: number): Promise<SelfTrainResult> {
    const dir = await newDir();
    const controller = new AbortController();
    const first = new SelfTrainer({
      ...(await resumeRunOptions(dir)),
      signal: controller.signal,
      onEpochEnd: (p, report) => {
        if (p === phase && report.epoch === epoch) controller.abort();
      },
    });
    await expect(first.run()).rejects.toBeInstanceOf(AbortError);
    first.dispose();
    await expect(first.run()).rejects.toThrow(/was disposed/);
    const resumed = new SelfTrainer(await resumeRunOptions(dir));
    return resumed.run();
  }

  function expectSameAsReference(result: SelfTrainResult): void {
    expect(result.history.final?.evaluation).toEqual(reference.history.final?.evaluation);
    expect(result.history.iterations.map((r) => r.evaluation)).toEqual(reference.history.iterations.map((r) => r.evaluation));
    expect(result.history.iterations.map((r) => r.selection)).toEqual(reference.history.iterations.map((r) => r.selection));
    expect(weightsOf(result.model)).toEqual(referenceWeights);
    result.model.dispose();
    result.selfTrainedModel.dispose();
  }

  it('stopped in the middle of iteration 2 (after its first epoch): same history, final SA/ASR and weights', async () => {
    const before = tf.memory().numTensors;
    expectSameAsReference(await abortAndResume('iteration-2', 1));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stopped in the middle of pretraining and of the final training: same result', async () => {
    expectSameAsReference(await abortAndResume('pretrain', 1));
    expectSameAsReference(await abortAndResume('final', 1));
  });

  it('killed with SIGKILL in another process mid-iteration, then resumed here: same final SA/ASR and weights', async () => {
    const dir = await newDir();
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fileURLToPath(new URL('./fixtures/resume-child.ts', import.meta.url)), dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killedAt = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('iteration-2 1')) {
          child.kill('SIGKILL');
          resolve(output);
        }
      });
      child.on('exit', (code) => reject(new Error(`child exited (code ${code}) before iteration 2:\n${output}\n${stderr}`)));
    });
    expect(killedAt).not.toContain('finished');
    // The checkpoint holds a run stopped inside iteration 2 (or, if the kill landed late, just after it).
    const state = JSON.parse(await readFile(join(dir, SELF_TRAIN_STATE_FILE), 'utf8')) as { completedIterations: number; finished: boolean };
    expect(state.finished).toBe(false);
    expect([1, 2]).toContain(state.completedIterations);
    const resumed = new SelfTrainer(await resumeRunOptions(dir));
    expectSameAsReference(await resumed.run());
  });

  it('refuses a checkpoint directory written by a different run', async () => {
    const dir = await newDir();
    const trainer = new SelfTrainer({ ...(await resumeRunOptions(dir)), iterations: 1 });
    const result = await trainer.run();
    result.model.dispose();
    result.selfTrainedModel.dispose();
    const other = new SelfTrainer({ ...(await resumeRunOptions(dir)), iterations: 2 });
    await expect(other.run()).rejects.toThrow(/holds a run with iterations 1 but this run has 2/);
  });
});
