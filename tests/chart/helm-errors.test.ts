// Normalising helm's error texts to values keys: one sample of each shape both versions print.
import { mentionedKeys, namesKey } from './helm-errors';

describe('mentionedKeys', () => {
  it('reads Helm 4 JSON pointers, unknown and missing properties', () => {
    const helm4 = [
      "- at '/postgresql': validation failed",
      "    - at '/postgresql/persistence/accessModes/0': value must be one of 'ReadWriteOnce'",
      "  - at '/postgresql': additional properties 'foo', 'bar' not allowed",
      "- at '': additional properties 'replicaCount' not allowed",
      "- at '/auth/secretKeys': missing property 'password'",
      "[ERROR] values.yaml: - at '/squash/service/nodePort': minimum: got 80, want 30,000",
    ].join('\n');
    expect([...mentionedKeys(helm4)]).toEqual(expect.arrayContaining([
      'postgresql', 'postgresql.persistence.accessModes.0', 'postgresql.foo', 'postgresql.bar', 'replicaCount', 'auth.secretKeys.password', 'squash.service.nodePort',
    ]));
  });

  it('reads Helm 3 dotted paths, unknown and missing properties', () => {
    const helm3 = [
      '- (root): Additional property replicaCount is not allowed',
      '- postgresql: Additional property foo is not allowed',
      '- auth.secretKeys: password is required',
      '[ERROR] values.yaml: - squash.service.nodePort: Must be greater than or equal to 30000',
    ].join('\n');
    expect([...mentionedKeys(helm3)]).toEqual(expect.arrayContaining(['replicaCount', 'postgresql.foo', 'auth.secretKeys.password', 'squash.service.nodePort']));
  });

  it('reads keys named in the prose of a fail message', () => {
    expect(namesKey('execution error at (squash-tm/templates/validate.yaml:8:4): externalDatabase.host is empty while postgresql.enabled is false', 'externalDatabase.host')).toBe(true);
  });

  it('reads the key of a format check through list indexes and map keys', () => {
    const output = 'execution error at (x): squash.extraEnv[0].name is "MAIL HOST", which is not an environment variable name';
    expect(namesKey(output, 'squash.extraEnv')).toBe(true);
    expect(namesKey('execution error at (x): postgresql.nodeSelector["example.com/disk"] is "fast disk"', 'postgresql.nodeSelector')).toBe(true);
    expect(namesKey(output, 'squash.extraPlugins')).toBe(false);
  });

  it('reads a top-level key named in prose without a dot, but not any word', () => {
    expect(namesKey('execution error at (x): fullnameOverride "yes" is a word YAML reads as a boolean', 'fullnameOverride')).toBe(true);
    expect(namesKey('execution error at (x): the name "yes" is a word YAML reads as a boolean', 'fullnameOverride')).toBe(false);
  });

  it('matches a key, or a field under it, but not a parent or a sibling', () => {
    const output = "- at '/postgresql/persistence/accessModes/0': bad";
    expect(namesKey(output, 'postgresql.persistence.accessModes')).toBe(true);
    expect(namesKey(output, 'postgresql.persistence.access')).toBe(false);
    expect(namesKey("- at '/postgresql': validation failed", 'postgresql.persistence.size')).toBe(false);
  });
});
