// The validate CLI: output per object, exit codes, options.
import { goodYaml } from './fixtures';
import { runCli } from './cli';

const run = (args: string[], input = goodYaml) => runCli([...args, '-'], () => input);

describe('npm run validate', () => {
  it('prints "Kind/name: ok" per object and exits 0 on a valid stream', () => {
    const { exitCode, output } = run(['--kube-version', '1.29', '--cross-object', '--pss', 'restricted']);
    expect(exitCode).toBe(0);
    expect(output.split('\n')).toEqual(expect.arrayContaining(['Secret/app-credentials: ok', 'Deployment/app: ok', 'valid: 10 object(s), Kubernetes 1.29, cross-object, Pod Security restricted']));
  });

  it('prints each violation with its JSON path and rule, and exits 1', () => {
    const bad = goodYaml.replace('imagePullPolicy: IfNotPresent', 'imagePullPolicy: IfNotPresent\n          imagePullPolicyy: Always');
    const { exitCode, output } = run([], bad);
    expect(exitCode).toBe(1);
    expect(output).toContain('Deployment/app: .spec.template.spec.containers[0].imagePullPolicyy: unknown field "imagePullPolicyy"');
    expect(output).toContain('[unknown-field]');
    expect(output).toContain('invalid: 1 violation(s) in 10 object(s), Kubernetes 1.37');
  });

  it('rejects apps/v1beta2 for the target version it is given', () => {
    const old = goodYaml.replace('apiVersion: apps/v1', 'apiVersion: apps/v1beta2');
    const { exitCode, output } = run(['--kube-version', '1.29.0'], old);
    expect(exitCode).toBe(1);
    expect(output).toContain('Deployment/app: .apiVersion: apps/v1beta2 Deployment was removed in Kubernetes 1.16 (target 1.29): use apps/v1 [removed-api]');
  });

  it('reports cross-object and Pod Security violations only when asked', () => {
    const noSecret = goodYaml.replace('name: app-credentials, labels', 'name: other-credentials, labels');
    expect(run([], noSecret).exitCode).toBe(0);
    expect(run(['--cross-object'], noSecret).output).toContain('[secret-ref]');
    expect(run(['--existing-secret', 'app-credentials=username,password'], noSecret).exitCode).toBe(0);
    const root = goodYaml.replace('runAsUser: 1000', 'runAsUser: 0');
    expect(run(['--pss', 'baseline'], root).exitCode).toBe(0);
    expect(run(['--pss', 'restricted'], root).output).toContain('[pss-restricted/runAsUser]');
  });

  it('exits 2 with the usage on bad arguments, and 1 on an empty input', () => {
    for (const args of [['--pss', 'strict', '-'], ['--kube-version', 'latest', '-'], ['--frobnicate', '-'], []]) {
      const { exitCode, output } = runCli(args, () => goodYaml);
      expect({ args, exitCode }).toEqual({ args, exitCode: 2 });
      expect(output).toContain('usage: npm run validate');
    }
    expect(run([], '---\n').exitCode).toBe(1);
  });
});
