// The checker of refusal messages: it flags the old shapes (regular expressions, rules printed as
// missing properties) and lets words, quoted bad values and real missing properties through.
import { unhelpfulParts } from './message-quality';

describe('unhelpfulParts', () => {
  it.each([
    ["- at '/squash/image/tag': 'bad tag' does not match pattern '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$'", 'Helm 4 pattern'],
    ['- squash.image.tag: Does not match pattern \'^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$\'', 'Helm 3 pattern'],
    ["- at '': missing property 'externalDatabase.host is empty while postgresql.enabled is false: Squash TM needs a database.'", 'Helm 4 rule'],
    ['- (root): externalDatabase.host is empty while postgresql.enabled is false: Squash TM needs a database. is required', 'Helm 3 rule'],
    ["- at '/squash/extraEnv/0': 'not' failed", "Helm 4 'not'"],
    ['- squash.extraEnv.0: Must validate one and only one schema (oneOf)', "Helm 3 'oneOf'"],
  ])('flags %j (%s)', (output) => {
    expect(unhelpfulParts(output)).not.toEqual([]);
  });

  it.each([
    'squash.image.tag is "bad tag", which is not an image tag: 1 to 128 letters, digits, "_", "." and "-". Fix: write one such as "13.0.1".',
    'postgresql.nodeSelector has the key "^[a-z]{0,3}$", which is not a label or annotation key.',
    "- at '/auth/secretKeys': missing property 'password'",
    '- auth.secretKeys: password is required',
    "- at '/squash/service/nodePort': minimum: got 80, want 30,000",
  ])('lets %j through', (output) => {
    expect(unhelpfulParts(output)).toEqual([]);
  });
});
