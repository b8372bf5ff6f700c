import { initBackend, createRng, syntheticDataset, smallCnn, train } from '@bdst/core';
await initBackend();
const rng = createRng(0);
for (const [hw, widths] of [[28, [16, 32, 64]], [28, [8, 16, 32]], [16, [8, 16, 32]], [32, [8, 16, 32]]] as const) {
  const ds = syntheticDataset({ size: 512, seed: 1, height: hw, width: hw, channels: 1 });
  const m = smallCnn({ inputShape: [hw, hw, 1], numClasses: 10, rng, widths: widths as any });
  const t = performance.now(); const c = process.cpuUsage();
  await train(m, ds, { epochs: 1, rng, lr: 0.05, batchSize: 64 });
  const u = process.cpuUsage(c);
  console.log(hw, widths, 'wall', ((performance.now() - t) / 1000).toFixed(2), 'cpu', ((u.user + u.system) / 1e6).toFixed(2));
}
