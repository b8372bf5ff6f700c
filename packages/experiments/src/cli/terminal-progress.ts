import { MultiBar, Presets } from 'cli-progress';
import type { SingleBar } from 'cli-progress';
import type { BatchProgress, EpochProgress, ExperimentProgress, PhaseStart } from '../runner/progress.js';

/** A writable text stream (process.stdout, or a test's capture). */
export interface TextOutput {
  /** Writes text as is. */
  write(text: string): unknown;
  /** True when the stream is a terminal. */
  isTTY?: boolean;
}

/**
 * The `bdst` command's {@link ExperimentProgress}: on a terminal, one progress bar per training
 * phase (epoch, batch, loss and an ETA, by `cli-progress`) with news lines printed above it; when
 * the output is not a terminal (a log file, CI), plain lines — one per phase start, finished
 * epoch (with loss, accuracy and the phase's ETA) and piece of news.
 */
export function terminalProgress(output: TextOutput): ExperimentProgress & { stop(): void } {
  return output.isTTY ? barProgress(output) : lineProgress(output);
}

function lineProgress(output: TextOutput): ExperimentProgress & { stop(): void } {
  const phaseSeconds = new Map<string, number[]>();
  return {
    phaseStart: ({ phase, epochs }: PhaseStart) => {
      phaseSeconds.set(phase, []);
      output.write(`[${phase}] training for ${epochs} epoch${epochs === 1 ? '' : 's'}\n`);
    },
    batch: () => {},
    epoch: (e: EpochProgress) => {
      const times = phaseSeconds.get(e.phase) ?? [];
      times.push(e.seconds);
      phaseSeconds.set(e.phase, times);
      const mean = times.reduce((a, b) => a + b, 0) / times.length;
      const eta = Math.max(0, e.epochs - e.epoch) * mean;
      const accuracy = e.accuracy === null ? '' : ` acc ${(e.accuracy * 100).toFixed(1)} %`;
      output.write(`[${e.phase}] epoch ${e.epoch}/${e.epochs} loss ${e.loss.toFixed(4)}${accuracy} (${e.seconds.toFixed(1)} s, phase ETA ${Math.round(eta)} s)\n`);
    },
    note: (line: string) => {
      output.write(`${line}\n`);
    },
    stop: () => {},
  };
}

function barProgress(output: TextOutput): ExperimentProgress & { stop(): void } {
  const multi = new MultiBar(
    {
      format: '{phase} |{bar}| epoch {epoch}/{epochs} it {batch}/{batches} loss {loss} | ETA {eta_formatted}',
      stream: output as NodeJS.WritableStream,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 5,
    },
    Presets.shades_classic,
  );
  let bar: SingleBar | null = null;
  let current = '';
  const start = (phase: string, total: number, payload: Record<string, unknown>): void => {
    if (bar) multi.remove(bar);
    bar = multi.create(total, 0, payload);
    current = phase;
  };
  return {
    phaseStart: ({ phase, epochs }: PhaseStart) => start(phase, epochs, { phase, epoch: 0, epochs, batch: 0, batches: '?', loss: '-' }),
    batch: (b: BatchProgress) => {
      const total = b.epochs * b.batches;
      if (!bar || current !== b.phase) start(b.phase, total, {});
      if (bar!.getTotal() !== total) bar!.setTotal(total);
      bar!.update((b.epoch - 1) * b.batches + b.batch, { phase: b.phase, epoch: b.epoch, epochs: b.epochs, batch: b.batch, batches: b.batches, loss: b.loss.toFixed(4) });
    },
    epoch: (e: EpochProgress) => {
      const accuracy = e.accuracy === null ? '' : `, acc ${(e.accuracy * 100).toFixed(1)} %`;
      multi.log(`[${e.phase}] epoch ${e.epoch}/${e.epochs}: loss ${e.loss.toFixed(4)}${accuracy} (${e.seconds.toFixed(1)} s)\n`);
    },
    note: (line: string) => multi.log(`${line}\n`),
    stop: () => multi.stop(),
  };
}
