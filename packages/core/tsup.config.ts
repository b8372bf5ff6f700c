import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.package';

// The replica worker (train({ replicas }) / ReplicaPool) is an entry of its own: worker threads
// start it by path, as dist/replica-worker.js (ESM) or dist/replica-worker.cjs (CJS), next to
// the module that locates it (src/train/replica-worker-entry.ts).
export default defineConfig(
  packageBuild({
    entry: { index: 'src/index.ts', 'replica-worker': 'src/train/replica-worker.ts' },
    dts: { entry: { index: 'src/index.ts' } },
  }),
);
