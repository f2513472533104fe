// Compiles the ESM files of kubernetes-models 5.x to CommonJS for jest's module loader (see
// jest-esm-resolver.js). Outside jest, Node 20.19+ require()s them natively.
const ts = require('typescript');

module.exports = {
  process(source, filename) {
    const { outputText } = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, esModuleInterop: true },
    });
    return { code: outputText };
  },
};
