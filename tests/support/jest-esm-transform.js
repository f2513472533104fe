// Compiles the ESM files of kubernetes-models 5.x (and its ESM dependencies) to CommonJS for jest's
// module loader (see jest-esm-resolver.js). Outside jest, Node 20.19+ require()s them natively.
// esbuild (tsx's own compiler, so always installed with it) does it in a fraction of the time
// typescript's transpileModule takes: it matters on a cold jest cache, as in a fresh clone.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code } = transformSync(source, { loader: 'js', format: 'cjs', target: 'node20', sourcefile: filename });
    return { code };
  },
};
