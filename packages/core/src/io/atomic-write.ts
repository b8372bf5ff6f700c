import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Writes `data` to `file` atomically: to a temporary file in the same directory, flushed, then
 * renamed over `file`, so a reader (or a run that crashes or is killed mid-write) sees either the
 * old content or the new one, never a torn file. Creates the directory if needed.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string | ReadonlyArray<Uint8Array>): Promise<void> {
  if (typeof file !== 'string' || file.length === 0) throw new Error(`Error in writeFileAtomic: file must be a non-empty path, but got ${String(file)}`);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const handle = await fs.open(tmp, 'w');
  try {
    const parts = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
    for (const part of parts) {
      if (typeof part === 'string') await handle.write(part);
      else await handle.write(part);
    }
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await fs.rename(tmp, file);
}
