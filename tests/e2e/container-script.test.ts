// runContainerScript runs a container's script as the kubelet delivers it, not as it is written.
import type { IContainer } from 'kubernetes-models/v1/Container';
import { deliver, runContainerScript } from './container-script';

const container = (script: string, env: IContainer['env'] = []): IContainer => ({
  name: 'job',
  image: 'postgres:17.6',
  command: ['bash', '-c'],
  args: [script],
  env,
});

describe('the kubelet expansion before the script runs', () => {
  it('halves "$$": the script sees "$" where it was written "$$", and "$$" where it was written "$$$$"', async () => {
    expect(await runContainerScript(container("echo '[$$]' '[$$$$]'"), {})).toEqual({ code: 0, output: '[$] [$$]\n' });
  });

  it('replaces "$(NAME)" of a defined variable before bash sees it, and leaves a command substitution alone', async () => {
    const c = container('echo "$(GREETING) $(echo sub) $(UNDEFINED_NAME 2>/dev/null || echo kept)"', [
      { name: 'GREETING', value: 'hello' },
    ]);
    expect(await runContainerScript(c, {})).toEqual({ code: 0, output: 'hello sub kept\n' });
  });

  it('expands env values against earlier entries and the overrides that stand for them', () => {
    const c = container('true', [
      { name: 'PGHOST', value: 'squash-postgresql' },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      { name: 'URL', value: 'postgres://$(PGHOST)/$$x' },
      { name: 'AUTH', value: 'pw=$(PASSWORD)' },
    ]);
    expect(deliver(c, { PGHOST: '127.0.0.1', PASSWORD: 'fake-$$-pw', TRIES: '1' }).env).toEqual({
      PGHOST: '127.0.0.1',
      PASSWORD: 'fake-$$-pw',
      URL: 'postgres://127.0.0.1/$x',
      AUTH: 'pw=fake-$$-pw',
      TRIES: '1',
    });
  });

  it('refuses to guess the value of a Secret-sourced variable the script refers to', () => {
    const c = container('echo $(PASSWORD)', [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } }]);
    expect(() => deliver(c, {})).toThrow(
      'container job: the kubelet replaces "$(PASSWORD)" with the value of PASSWORD, which comes from valueFrom: give it in the overrides',
    );
    expect(deliver(c, { PASSWORD: 'fake' }).args).toEqual(['echo fake']);
  });

  it('runs only bash -c containers', () => {
    expect(() => runContainerScript({ ...container('true'), command: ['sh', '-c'] }, {})).toThrow('does not run "bash -c"');
  });
});
