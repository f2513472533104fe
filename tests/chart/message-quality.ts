// What a refusal must not look like: a regular expression instead of words, a cross-value rule
// printed as a missing property (how rules compiled into a JSON schema read), or a schema combinator
// that tells the user nothing. Used over the bad-values catalogue and the property test's refusals.

/** Fragments only a regular expression has (Helm prints a failed schema `pattern` as is). */
const regexFragments = ['^', "$'", '$"', '[A-Za-z', '[a-z', '[0-9', '{0,', '(?:', '\\d', '\\S', '[^'];

const unhelpfulPhrases: Array<[RegExp, string]> = [
  [/does not match pattern/i, 'a failed pattern'],
  [/'not' failed|Must not validate the schema/, "a failed 'not'"],
  [/'oneOf' failed|Must validate one and only one schema/, "a failed 'oneOf'"],
];

/** Double-quoted spans: a value the user wrote, quoted by the message (%q), may hold anything. */
const withoutQuotedValues = (output: string): string => output.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');

/** What makes this helm error unhelpful; empty when it is not. */
export function unhelpfulParts(output: string): string[] {
  const problems: string[] = [];
  const text = withoutQuotedValues(output);
  for (const fragment of regexFragments) if (text.includes(fragment)) problems.push(`regular expression fragment ${fragment}`);
  for (const [re, what] of unhelpfulPhrases) if (re.test(text)) problems.push(what);
  // A property name is one word: a sentence in its place is a rule compiled into the schema.
  for (const m of output.matchAll(/missing propert(?:y|ies) '([^']*)'/g)) {
    if (/\s/.test(m[1] ?? '')) problems.push('a cross-value rule printed as a missing property');
  }
  for (const m of output.matchAll(/^\s*- [^\s:]+: (.*) is required$/gm)) {
    if (/\s/.test(m[1] ?? '')) problems.push('a cross-value rule printed as a required property');
  }
  return problems;
}
