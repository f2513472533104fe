// Parse a multi-document YAML stream (a helm rendering) into JSON text, outside the test files' module
// registries. jest gives every test file fresh copies of its modules, so each file would parse its
// renderings with a cold copy of the YAML library: about 150 ms for a rendering, against 20 ms once
// the engine has optimised it. jest-environment.js loads this module once per worker and hands the
// function to every test file, whose helm.ts turns the JSON back into objects (JSON.parse: ~1 ms).
// Only a clean stream of plain data takes this path: on a YAML error, an exception, or a value JSON
// cannot carry exactly (NaN, Infinity, -0, a key named __proto__), it answers undefined and the
// caller parses the text itself, so results and errors are those of the in-file parse.
const { parseAllDocuments } = require('yaml');

/** Whether JSON.stringify then JSON.parse gives back exactly this value. */
function jsonExact(value) {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonExact);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.keys(value).every((key) => key !== '__proto__' && jsonExact(value[key]));
}

/** The documents of a YAML stream as a JSON array, or undefined when the caller must parse it itself. */
function yamlStreamAsJson(text) {
  try {
    const values = [];
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) return undefined;
      values.push(doc.toJS());
    }
    return jsonExact(values) ? JSON.stringify(values) : undefined;
  } catch {
    return undefined;
  }
}

module.exports = { yamlStreamAsJson };
