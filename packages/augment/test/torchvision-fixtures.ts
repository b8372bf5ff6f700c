import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectNoLeak } from '@bdst/test-utils';

/**
 * Reader for the torchvision reference fixtures written by `fixtures/make-fixtures.py`
 * (torchvision.json + torchvision.bin, NHWC float32). Test support only.
 */

type ArrayRef = [offset: number, shape: [number, number, number, number]];

export interface FixtureCase {
  op: string;
  input: 'rgb' | 'gray';
  params: Record<string, unknown>;
  output: ArrayRef;
}

interface Manifest {
  torch: string;
  torchvision: string;
  inputs: Record<string, ArrayRef>;
  cases: FixtureCase[];
}

const here = dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(join(here, 'fixtures', 'torchvision.json'), 'utf8')) as Manifest;
const bin = readFileSync(join(here, 'fixtures', 'torchvision.bin'));
const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));

function read([offset, shape]: ArrayRef): { values: Float32Array; shape: [number, number, number, number] } {
  const size = shape.reduce((a, b) => a * b, 1);
  return { values: floats.slice(offset, offset + size), shape };
}

/** The fixture cases of one op (e.g. `'resizedCrop'`). Throws if there are none (a broken fixture file). */
export function fixtureCases(op: string): FixtureCase[] {
  const cases = manifest.cases.filter((c) => c.op === op);
  if (cases.length === 0) throw new Error(`no torchvision fixtures for ${op}`);
  return cases;
}

/** A new tensor holding a fixture input batch (`'rgb'`: 4×12×10×3, `'gray'`: 4×12×10×1). */
export function fixtureInput(name: 'rgb' | 'gray'): Tensor4D {
  const { values, shape } = read(manifest.inputs[name]);
  return tf.tensor4d(values, shape);
}

/** torchvision's output for a case, with its NHWC shape. */
export function fixtureOutput(c: FixtureCase): { values: Float32Array; shape: [number, number, number, number] } {
  return read(c.output);
}

/** Largest absolute element-wise difference (Infinity when the lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A readable label for a case. */
export function caseLabel(c: FixtureCase): string {
  return `${c.op} ${c.input} ${JSON.stringify(c.params)}`;
}

/** Fraction of elements that are exactly equal (0 when the lengths differ). */
export function fractionEqual(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/**
 * One `it` per torchvision fixture case of `op`: runs `run(input, params)` (checking it leaks
 * nothing) and asserts the shape and a max absolute difference ≤ `tolerance` (default 1e-3).
 * Call inside a `describeBackends` block. Test support only.
 */
export function torchvisionFixtureSpecs(op: string, run: (x: Tensor4D, params: Record<string, unknown>) => Tensor4D, tolerance = 1e-3): void {
  for (const c of fixtureCases(op)) {
    it(`matches torchvision within ${tolerance}: ${caseLabel(c)}`, async () => {
      const x = fixtureInput(c.input);
      const y = await expectNoLeak(() => run(x, c.params));
      const want = fixtureOutput(c);
      expect(y.shape).toEqual(want.shape);
      expect(maxAbsDiff(await y.data(), want.values)).toBeLessThanOrEqual(tolerance);
      tf.dispose([x, y]);
    });
  }
}
