import type { CommandIo } from '@bdst/experiments';

/** A {@link CommandIo} that records what the command writes (not a terminal: plain progress lines). */
export function captureIo(): CommandIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    out: () => out,
    err: () => err,
  };
}
