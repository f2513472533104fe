// The validate CLI: output per object, exit codes, options, report formats, and what a user who
// gives it the wrong thing sees.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { goodYaml } from './fixtures';
import { inputOf, runCli } from './cli';
import { rules } from './rules';

const run = (args: string[], input = goodYaml) => runCli([...args, '-'], () => input);

describe('npm run validate', () => {
  it('prints "Kind/name: ok" per object and exits 0 on a valid stream', () => {
    const { exitCode, output } = run(['--kube-version', '1.29', '--cross-object', '--pss', 'restricted']);
    expect(exitCode).toBe(0);
    expect(output.split('\n')).toEqual(
      expect.arrayContaining([
        'Secret/app-credentials: ok',
        'Deployment/app: ok',
        'valid: 10 object(s), Kubernetes 1.29, cross-object, Pod Security restricted',
      ]),
    );
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
    expect(output).toContain(
      'Deployment/app: .apiVersion: apps/v1beta2 Deployment was removed in Kubernetes 1.16 (target 1.29): use apps/v1 [removed-api]',
    );
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

  it('prints the report on stdout, valid or not', () => {
    expect(run([]).stream).toBe('stdout');
    expect(run([], goodYaml.replace('runAsUser: 1000', 'runAsUser: x')).stream).toBe('stdout');
    expect(run(['--frobnicate']).stream).toBe('stderr');
  });

  it('says "no objects" for an input without objects, not "valid: 0 object(s)"', () => {
    for (const input of ['', '---\n', '# only a comment\n']) {
      const { exitCode, output } = run([], input);
      expect({ input, exitCode }).toEqual({ input, exitCode: 1 });
      expect(output).toMatch(/^no objects: /);
      expect(output).not.toContain('valid');
    }
  });

  it('reports a missing file in one line, exit 2', () => {
    const { exitCode, output, stream } = runCli(['absent.yaml'], () => {
      throw Object.assign(new Error("ENOENT: no such file or directory, open 'absent.yaml'"), { code: 'ENOENT' });
    });
    expect({ exitCode, output, stream }).toEqual({
      exitCode: 2,
      output: 'error: cannot read "absent.yaml": no such file\n',
      stream: 'stderr',
    });
  });

  it('recognises an unrendered chart template and says to render it first', () => {
    const template =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include "app.fullname" . }}\nspec:\n  type: {{ .Values.service.type }}\n';
    const { exitCode, output } = run([], template);
    expect(exitCode).toBe(1);
    expect(output).toContain(
      'document 1: (object): line 4 holds a Helm template action "{{ include": this is a chart template, not a rendering; render it with helm template first',
    );
    expect(output).toContain('[unrendered-template]');
    expect(output.trim().split('\n').pop()).toBe('invalid: a chart template, not a rendering: validate the output of helm template');
    // Go templates rendered into data (Prometheus rules, say) are not Helm actions.
    const rendered = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: rules }\ndata: { alert: "{{ $labels.instance }} is down" }\n';
    expect(run([], rendered).exitCode).toBe(0);
  });

  it('--help prints the usage on stdout and exits 0', () => {
    for (const flag of ['--help', '-h'])
      expect(runCli([flag], () => '')).toEqual({
        exitCode: 0,
        output: expect.stringMatching(/^usage: npm run validate/),
        stream: 'stdout',
      });
  });

  it('--list-rules prints every registered rule with its level and fix, as text or JSON', () => {
    const text = runCli(['--list-rules'], () => '');
    expect(text.exitCode).toBe(0);
    const lines = text.output.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(rules.map((r) => r.id));
    expect(lines.find((l) => l.startsWith('route-backend '))).toMatch(
      /^route-backend\s+error\s+an HTTPRoute backendRef is a rendered Service.*; fix: /,
    );
    const json = JSON.parse(runCli(['--list-rules', '--output', 'json'], () => '').output) as Array<{
      id: string;
      level: string;
      remediation: string;
    }>;
    expect(json.map((r) => r.id)).toEqual(rules.map((r) => r.id));
    expect(json.every((r) => r.level === 'error' && r.remediation.length > 0)).toBe(true);
  });

  it('--output json gives the same verdict as text, per object, with each rule and level', () => {
    const bad = goodYaml.replace('runAsUser: 1000', 'runAsUser: 0');
    const { exitCode, output } = run(['--output', 'json', '--pss', 'restricted', '--kube-version', '1.29'], bad);
    expect(exitCode).toBe(1);
    const body = JSON.parse(output) as {
      valid: boolean;
      target: string;
      checks: string[];
      violations: number;
      objects: Array<{ object: string; violations: Array<{ rule: string; level: string; path: string }> }>;
    };
    expect(body).toMatchObject({ valid: false, target: '1.29', checks: ['schema', 'pss-restricted'], violations: 1 });
    expect(body.objects).toHaveLength(10);
    expect(body.objects.find((o) => o.object === 'Deployment/app')?.violations).toEqual([
      {
        path: '.spec.template.spec.securityContext.runAsUser',
        rule: 'pss-restricted/runAsUser',
        level: 'error',
        message: expect.stringContaining('runAsUser: 0'),
      },
    ]);
    expect(JSON.parse(run(['--output', 'json']).output)).toMatchObject({ valid: true, violations: 0 });
    expect(run(['--output', 'yaml']).exitCode).toBe(2);
  });

  it('finds the input among the options, for preloading its schemas', () => {
    expect(inputOf(['--kube-version', '1.29', 'out.yaml', '--pss', 'restricted'])).toBe('out.yaml');
    expect(inputOf(['--cross-object', '-'])).toBe('-');
    expect(inputOf(['--output', 'json'])).toBeUndefined();
  });
});

describe('npm run validate, as a process', () => {
  // One real process: the ESM schemas load through import() (tsx), and nothing prints a stack trace.
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, 'cli.ts'), ...args], {
      encoding: 'utf8',
      input: goodYaml.replace('kind: Secret', 'kind: Secret\nextra: 1'),
    });
  it('validates stdin, reports on stdout, and reports a missing file in one line without a stack trace', () => {
    const ok = cli('--cross-object', '-');
    expect(ok.stdout).toContain('Secret/app-credentials: .extra: unknown field "extra"');
    expect(ok.status).toBe(1);
    const missing = cli('no-such-file.yaml');
    expect({ status: missing.status, stdout: missing.stdout, stderr: missing.stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: 'error: cannot read "no-such-file.yaml": no such file\n',
    });
  });
});
