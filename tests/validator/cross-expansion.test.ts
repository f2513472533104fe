// The kubelet-expansion rule: a container whose command, args or env values the kubelet would
// rewrite is reported with the field, the offending text and the fix; what the kubelet leaves alone
// is not.
import { crossObjectViolations, CrossObjectOptions } from './cross-object';
import { find, good, manifest, set } from './fixtures';
import type { KubeObject } from './objects';
import type { Violation } from './violations';

const spec = 'spec.template.spec';
const web = `${spec}.containers.0`;
const init = `${spec}.initContainers.0`;

function expansion(edit: (objects: KubeObject[]) => void, options: CrossObjectOptions = {}): Violation[] {
  const objects = good();
  edit(objects);
  return crossObjectViolations(objects, options).filter((v) => v.rule === 'kubelet-expansion');
}
const editDeployment = (path: string, value: unknown) => (o: KubeObject[]) => set(find(o, 'Deployment'), path, value);

it('passes the good fixture', () => {
  expect(expansion(() => undefined)).toEqual([]);
});

it('reports "$$" in a script, naming the container, the field, the line and the fix', () => {
  const script = 'set -e\npsql -c "DO $$ BEGIN PERFORM 1; END $$"\n';
  expect(expansion(editDeployment(`${init}.command`, ['sh', '-c', script]))).toEqual([
    {
      object: 'Deployment/app',
      path: '.spec.template.spec.initContainers[0].command[2]',
      rule: 'kubelet-expansion',
      message:
        'init container "wait": command[2] is changed by the kubelet before the container sees it: "$$" becomes "$" (2 times, first at line 2: "psql -c \\"DO $$ BEGIN PERFORM 1; END $$\\""): write "$$$$" where the container must see "$$", or avoid "$$" (PostgreSQL: DO $body$ ... $body$)',
    },
  ]);
});

it('reports a "$(NAME)" of a variable the container defines, in args, wherever it is defined', () => {
  const [v] = expansion(editDeployment(`${web}.args`, ['--host=$(DB_HOST)', '--password=$(DB_PASSWORD)', '--tz $(TZ)']));
  expect(
    expansion(editDeployment(`${web}.args`, ['--host=$(DB_HOST)', '--password=$(DB_PASSWORD)', '--tz $(TZ)'])).map((x) => x.path),
  ).toEqual([
    '.spec.template.spec.containers[0].args[0]',
    '.spec.template.spec.containers[0].args[1]',
    '.spec.template.spec.containers[0].args[2]',
  ]);
  expect(v?.message).toBe(
    'container "web": args[0] is changed by the kubelet before the container sees it: "$(DB_HOST)" becomes the value of the container\'s variable DB_HOST (at "--host=$(DB_HOST)"): write "$$(DB_HOST)" where the container must see "$(DB_HOST)", or use "${DB_HOST}" in a shell script',
  );
});

it('reports an env value referring to an earlier variable, not to a later or unknown one', () => {
  const paths = expansion(
    editDeployment(`${web}.env`, [
      { name: 'A', value: '$(B) $(NOPE)' },
      { name: 'B', value: 'b' },
      { name: 'C', value: 'x-$(A)' },
    ]),
  ).map((v) => v.path);
  expect(paths).toEqual(['.spec.template.spec.containers[0].env[2].value']);
});

it('reports a lone "$$" beside a doubled one, and an odd run before a defined variable', () => {
  const [v] = expansion(editDeployment(`${web}.args`, ['echo $$$$ $$ $$$(DB_HOST)']));
  expect(v?.message).toContain('"$$" becomes "$" (once, first at "echo $$$$ $$ $$$(DB_HOST)")');
  expect(v?.message).toContain('"$(DB_HOST)" becomes the value');
});

it('leaves a valueFrom entry alone: the kubelet does not expand it', () => {
  expect(expansion(editDeployment(`${web}.env.1.value`, undefined))).toEqual([]);
});

it('passes what the kubelet leaves as written (shell syntax, undefined names, named dollar quotes) and escapes doubled for it ("$$$$", "$$(VAR)")', () => {
  const script = 'echo $$$$ $$(DB_HOST) ${DB_HOST} $DB_HOST $(date +%s) $((1+2)) "DO $body$ BEGIN END $body$" $(';
  expect(expansion(editDeployment(`${init}.command`, ['sh', '-c', script]))).toEqual([]);
});

it('knows the API server variables, and service-link variables unless the pod turns them off', () => {
  const args = ['$(KUBERNETES_SERVICE_HOST)', '$(APP_SERVICE_HOST)'];
  expect(expansion(editDeployment(`${web}.args`, args)).map((v) => v.path)).toEqual([
    '.spec.template.spec.containers[0].args[0]',
    '.spec.template.spec.containers[0].args[1]',
  ]);
  const noLinks = (o: KubeObject[]) => {
    editDeployment(`${web}.args`, args)(o);
    set(find(o, 'Deployment'), `${spec}.enableServiceLinks`, false);
  };
  expect(expansion(noLinks).map((v) => v.path)).toEqual(['.spec.template.spec.containers[0].args[0]']);
});

it('knows the keys of a rendered ConfigMap or a documented Secret named by envFrom, with its prefix', () => {
  const withEnvFrom = (o: KubeObject[]) => {
    set(find(o, 'Deployment'), `${web}.envFrom`, [
      { configMapRef: { name: 'app-config' }, prefix: 'CFG_' },
      { secretRef: { name: 'outside' } },
    ]);
    set(find(o, 'Deployment'), `${web}.args`, ['$(CFG_TZ) $(TZ_UNPREFIXED) $(TOKEN)']);
  };
  const [v] = expansion(withEnvFrom, { existingSecrets: { outside: ['TOKEN'] } });
  expect(v?.message).toContain('"$(CFG_TZ)" becomes the value');
  expect(v?.message).toContain('"$(TOKEN)" becomes the value');
  expect(v?.message.match(/becomes the value/g)).toHaveLength(2);
});

it('checks every pod kind, hooks and test pods included', () => {
  const pod = manifest(`
apiVersion: v1
kind: Pod
metadata: { name: test, annotations: { helm.sh/hook: test } }
spec:
  containers: [{ name: t, image: postgres:17.6, command: [bash, -c, 'echo $$'] }]
`);
  expect(
    crossObjectViolations([pod])
      .filter((v) => v.rule === 'kubelet-expansion')
      .map((v) => v.object),
  ).toEqual(['Pod/test']);
});
