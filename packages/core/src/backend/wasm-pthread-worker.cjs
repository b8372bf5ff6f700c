/**
 * The pthread worker of tfjs-backend-wasm's threaded SIMD build, as a file Node's
 * `worker_threads.Worker` can start.
 *
 * tfjs-backend-wasm ships the Emscripten pthread worker only as a string
 * (`wasm-out/tfjs-backend-wasm-threaded-simd.worker.js` exports `wasmWorkerContents`) and starts
 * it from a `blob:` URL, which Node's `Worker` refuses — so stock tfjs runs WASM on one thread
 * under Node. bdst's threaded loader (`wasm-threaded-module.ts`) points Emscripten's
 * `locateFile('…worker.js')` here instead. This file runs that same string, with the CommonJS
 * `require` and `__filename` it expects, unchanged.
 */
'use strict';
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
// The string holds the source's `"\n"` escapes as real newlines (inside string literals); tfjs
// escapes them back the same way before making its blob.
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, __filename);
