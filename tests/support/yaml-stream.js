// Parse a multi-document YAML stream (a helm rendering) into JSON text, outside the test files' module
// registries. jest gives every test file fresh copies of its modules, so each file would parse its
// renderings with a cold copy of a YAML library; jest-environment.js loads this module once per worker
// and hands the function to every test file, whose helm.ts turns the JSON back into objects.
//
// The parse is js-yaml's (1.4 to 2.3 ms of CPU for the default rendering, checks included, against 11
// to 20 ms for the `yaml` library, both warm), with a schema that resolves plain scalars as `yaml`'s YAML 1.2 core
// schema does, the one the in-file parse uses. yaml-stream.test.ts compares the two on every
// rendering, values file and a corpus of tricky scalars and structures. Only a clean stream of plain
// data takes this path; on any doubt it answers undefined and the caller parses the text with `yaml`
// itself, so results and errors are those of the in-file parse. Doubtful:
// - what js-yaml refuses (syntax, duplicate key, unknown tag, nesting over 100 levels) or warns about;
// - what the two libraries read differently: an explicit tag (`!!int`, `!`), an anchor (and so any
//   alias: `yaml` limits their expansion), a directive (`%YAML 1.1` switches `yaml` to YAML 1.1), a
//   collection or a null as a mapping key (each library spells such a key its own way), and the
//   text-level cases below, found by comparing the two on random streams;
// - a value JSON cannot carry exactly (NaN, Infinity, -0, a key named __proto__).
const jsYaml = require('js-yaml');

/**
 * The plain-scalar forms of `yaml`'s core schema, in its order (node_modules/yaml/dist/schema/core/
 * and common/null.js): the same tests, the same conversions. Anything else stays a string.
 */
const coreForms = [
  { tag: 'null', test: /^(?:~|[Nn]ull|NULL)?$/, construct: () => null },
  { tag: 'bool', test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, construct: (s) => s[0] === 't' || s[0] === 'T' },
  { tag: 'int', test: /^0o[0-7]+$/, construct: (s) => parseInt(s.substring(2), 8) },
  { tag: 'int', test: /^[-+]?[0-9]+$/, construct: (s) => parseInt(s, 10) },
  { tag: 'int', test: /^0x[0-9a-fA-F]+$/, construct: (s) => parseInt(s.substring(2), 16) },
  {
    tag: 'float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    construct: (s) => (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY),
  },
  { tag: 'float', test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, construct: (s) => parseFloat(s) },
  { tag: 'float', test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, construct: (s) => parseFloat(s) },
];

const coreTag = 'tag:yaml.org,2002:core';

/**
 * js-yaml's failsafe schema (strings, sequences, mappings) plus one implicit type for all the given
 * forms (js-yaml keeps a single type per tag); implicit types only see plain scalars. Explicit use
 * (`!<tag:yaml.org,2002:core> 1`) is refused: js-yaml passes the tag to resolve only then.
 */
function schemaOf(forms) {
  // One test for all the forms first: most plain scalars are words, out at their first character.
  const anyForm = new RegExp(forms.map((form) => form.test.source).join('|'));
  const formOf = (text) => (anyForm.test(text) ? forms.find((form) => form.test.test(text)) : undefined);
  const scalar = new jsYaml.Type(coreTag, {
    kind: 'scalar',
    resolve: (data, explicitTag) => explicitTag === undefined && typeof data === 'string' && formOf(data) !== undefined,
    construct: (text) => formOf(text).construct(text),
  });
  return jsYaml.FAILSAFE_SCHEMA.extend({ implicit: [scalar] });
}

/**
 * Text where js-yaml 4 and `yaml` disagree, refused before parsing (helm writes none of it):
 * - a document marker followed by more than a comment on its line: js-yaml starts a document at
 *   `---x`, a plain scalar to `yaml`, and accepts `--- a: 1`, which `yaml` refuses;
 * - an empty block sequence entry (`-` and at most a comment): js-yaml then reads a less indented
 *   `- x` into the same sequence (`- - a\n  -\n- b` is [[a, null, b]] to it, [[a, null], b] to `yaml`);
 * - a tab, where the two disagree on indentation and block scalars.
 */
const refusedText = /^---(?:[^ \t\r\n]|[ \t]+[^#\s])|^[ \t]*(?:[-?:][ \t]+)*-[ \t]*(?:#.*)?$|\t/m;

/** A block scalar header with an indentation indicator (`|2`): `yaml` then drops trailing space-only lines. */
const indentedBlockHeader = /[ \r\n]*[|>][-+]?[0-9]/y;

/** A comment glued to the token before it (`[a,#c`): an error to `yaml`, a comment to js-yaml. */
const gluedComment = /[[{,]#/;

/** Whether a line is long enough to hold an implicit key `yaml` refuses (KEY_OVER_1024_CHARS). */
function hasLineOver1024(text) {
  for (let start = 0; ;) {
    const end = text.indexOf('\n', start);
    if ((end === -1 ? text.length : end) - start > 1024) return true;
    if (end === -1) return false;
    start = end + 1;
  }
}

/**
 * Read a stream with js-yaml, watching every node as it closes: the result is undefined if one makes
 * it doubtful. Also lists every collection built: one missing from the result was used as a mapping
 * key (or read and dropped).
 */
function loadWithJsYaml(text, schema) {
  let doubt = false;
  const collections = [];
  const starts = [];
  const listener = (event, state) => {
    if (event === 'open') {
      starts.push(state.position);
      return;
    }
    const start = starts.pop();
    const { input, position } = state;
    if (state.anchor !== null || state.version !== null) doubt = true;
    if (state.tag !== null && state.tag !== '?' && state.tag !== coreTag) doubt = true;
    // A comment glued to a closing quote, bracket or brace.
    if (input[position] === '#' && `"']}`.includes(input[position - 1])) doubt = true;
    if (state.kind === 'scalar') {
      indentedBlockHeader.lastIndex = start;
      if (indentedBlockHeader.test(input)) doubt = true;
    } else if (state.result !== null && typeof state.result === 'object') {
      collections.push(state.result);
      const last = input[position - 1];
      if ((last === ']' || last === '}') && gluedComment.test(input.slice(start, position))) doubt = true;
    }
  };
  const onWarning = () => {
    doubt = true;
  };
  const documents = jsYaml.loadAll(text, null, { schema, listener, onWarning });
  return doubt ? undefined : { documents, collections };
}

/**
 * Whether JSON.stringify then JSON.parse gives back exactly this value, adding every object and
 * array met to `seen`. A key "null" is refused too: js-yaml spells a null key so, `yaml` as "".
 */
function jsonExact(value, seen) {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object') return false;
  seen.add(value);
  if (Array.isArray(value)) return value.every((item) => jsonExact(item, seen));
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.keys(value).every((key) => key !== '__proto__' && key !== 'null' && jsonExact(value[key], seen));
}

/**
 * The parser for a list of plain-scalar forms (the tests hand it a wrong list to show their comparison
 * catches it): the documents of a YAML stream as a JSON array, or undefined when the caller must parse
 * the stream itself.
 */
const streamParser = (forms) => {
  const schema = schemaOf(forms);
  return (text) => streamAsJson(text, schema);
};

function streamAsJson(text, schema) {
  if (refusedText.test(text) || hasLineOver1024(text)) return undefined;
  let loaded;
  try {
    loaded = loadWithJsYaml(text, schema);
  } catch {
    return undefined;
  }
  // A stream of comments and blank lines is one empty document to js-yaml, no document to `yaml`.
  if (loaded === undefined || (loaded.documents.length === 1 && loaded.documents[0] === null)) return undefined;
  const seen = new Set();
  if (!jsonExact(loaded.documents, seen)) return undefined;
  if (!loaded.collections.every((collection) => seen.has(collection))) return undefined;
  return JSON.stringify(loaded.documents);
}

const coreSchema = schemaOf(coreForms);
const yamlStreamAsJson = (text) => streamAsJson(text, coreSchema);

module.exports = { yamlStreamAsJson, streamParser, coreForms, coreSchema };
