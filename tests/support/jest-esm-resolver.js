// kubernetes-models 5.x and @kubernetes-models/* are ESM only: their package.json "exports" offer an
// "import" condition and no "require". Jest resolves require() with the "require" condition, so a
// specifier that fails that way is retried with "import"; jest-transform.js then compiles the
// file to CommonJS. Every other package resolves exactly as before.
const esmOnly = /kubernetes-models|^is-cidr$|^cidr-regex$/;

module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (error) {
    if (!esmOnly.test(request)) throw error;
    return options.defaultResolver(request, { ...options, conditions: ['import', 'node', 'default'] });
  }
};
