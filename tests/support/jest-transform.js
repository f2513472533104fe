// One jest transform for the suite's TypeScript and for the ESM-only packages it loads (kubernetes-models
// 5.x and two of its dependencies, see jest-esm-resolver.js): esbuild compiles both to CommonJS.
// Types are not checked here: `npm test` runs `tsc --noEmit` first. esbuild (tsx's own compiler) does
// this in a fraction of ts-jest's time, which matters on a cold jest cache, as in a fresh clone.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { transformSync } = require('esbuild');

// Part of every cache key, so that editing this file recompiles everything.
const self = readFileSync(__filename, 'utf8');

module.exports = {
  getCacheKey(source, filename) {
    return createHash('sha256').update(self).update(filename).update(source).digest('hex');
  },
  process(source, filename) {
    const loader = filename.endsWith('.ts') ? 'ts' : 'js';
    // Dynamic import() becomes require(): jest's CommonJS loader runs no ESM without a Node flag.
    const { code, map } = transformSync(source, {
      loader,
      format: 'cjs',
      target: 'node20',
      supported: { 'dynamic-import': false },
      sourcefile: filename,
      sourcemap: 'external',
    });
    return { code, map };
  },
};
