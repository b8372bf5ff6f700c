import type { ExperimentConfig } from '../config/experiment-config.js';
import type { Figure1Result } from './figure1-run.js';
import type { Table1Result } from './table1-run.js';
import type { Table2Result } from './table2-run.js';
import type { Table3Result } from './table3-run.js';

/** What an experiment measured; `kind` says which table or figure. */
export type ExperimentResult = Table1Result | Table2Result | Table3Result | Figure1Result;

/** Everything `results.json` holds: the config, the results, and how and how long the run ran. */
export interface ExperimentRecord {
  /** The resolved config (a valid `config.json` for `bdst run`). */
  config: ExperimentConfig;
  /** The measurements. */
  result: ExperimentResult;
  /** The backend's one-line description (e.g. `"wasm (SIMD, 1 thread): …"`). */
  backend: string;
  /** Wall time, seconds, summed over the original run and every resumed one. */
  seconds: number;
  /** How many times the run was resumed from a checkpoint. */
  resumed: number;
  /** ISO time the record was written. */
  finishedAt: string;
}
