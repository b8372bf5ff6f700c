#!/usr/bin/env node
/**
 * Builds bdst's native convolution kernels (packages/core/native: binding.gyp,
 * convolution-kernels.c) with node-gyp into native/build/Release/bdst_native_kernels.node. Runs as
 * @bdst/core's `install` script, and as `npm run build:native -w @bdst/core`.
 *
 * The kernels are optional (initBackend({ nativeKernels: true }) turns them on), so a machine
 * that cannot build them — not x86-64, no C compiler, make, python3 or Node's headers — still
 * installs bdst: this prints why and exits 0, and training runs on the WebAssembly kernels. With
 * BDST_REQUIRE_NATIVE_KERNELS=1 (CI sets it) a failed build fails the install instead.
 *
 * node-gyp is the one npm bundles (npm passes its path as npm_config_node_gyp to lifecycle
 * scripts; otherwise it is looked up next to the npm that runs this, then on PATH). Node's headers
 * come from npm's `nodedir` setting when it has one (no download needed), else node-gyp downloads
 * them.
 *
 *   node packages/core/scripts/build-native-kernels.mjs
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const required = process.env.BDST_REQUIRE_NATIVE_KERNELS === '1';

/** Ends the script: a failure when the kernels are required, else a note and success. */
function skip(why) {
  const message = `build-native-kernels: not built (${why}); bdst trains on its WebAssembly kernels (initBackend({ nativeKernels: true }) will say so). Retry with npm run build:native -w @bdst/core.`;
  if (required) {
    console.error(`${message}\nBDST_REQUIRE_NATIVE_KERNELS=1: failing.`);
    process.exit(1);
  }
  console.warn(message);
  process.exit(0);
}

/** The node-gyp entry script: npm's (as npm passes it), else the one bundled with the npm on PATH; null for none. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const bundled = (npmDir) => join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (process.env.npm_execpath && existsSync(bundled(join(dirname(process.env.npm_execpath), '..')))) return bundled(join(dirname(process.env.npm_execpath), '..'));
  try {
    const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (existsSync(bundled(join(npmRoot, 'npm')))) return bundled(join(npmRoot, 'npm'));
  } catch {
    // no npm on PATH: try node-gyp itself
  }
  return null;
}

if (process.arch !== 'x64') skip(`the kernels are x86-64 code and this is ${process.arch}`);
if (process.platform === 'win32') skip('the build is set up for Linux and macOS');

const gyp = nodeGyp();
const command = gyp ? process.execPath : 'node-gyp';
const args = [...(gyp ? [gyp] : []), 'rebuild', '--directory', join(root, 'native')];
const nodedir = process.env.npm_config_nodedir;
if (nodedir) args.push(`--nodedir=${nodedir}`);
const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
if (result.error) skip(`${command} could not run: ${result.error.message}`);
if (result.status !== 0) skip(`node-gyp exited with ${result.status}`);
console.log(`build-native-kernels: built ${join(root, 'native', 'build', 'Release', 'bdst_native_kernels.node')}`);
