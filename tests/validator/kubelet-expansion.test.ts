// The kubelet's $(VAR) expansion, as Kubernetes specifies it (third_party/forked/golang/expansion and
// the kubelet's makeEnvironmentVariables / ExpandContainerCommandAndArgs).
import type { IContainer } from 'kubernetes-models/v1/Container';
import {
  apiServerServiceVariables,
  changedPieces,
  containerEnvironment,
  deliveredContainer,
  expand,
  Mapping,
  scan,
} from './kubelet-expansion';

const defined: Record<string, string> = { VAR_A: 'A', VAR_B: 'B', VAR_EMPTY: '', VAR_REF: '$(VAR_A)' };
const mapping: Mapping = (name) => defined[name];
const noUnknown = (name: string): string => {
  throw new Error(`unknown value of ${name}`);
};

describe('expand', () => {
  it.each([
    ['a defined variable becomes its value', '$(VAR_A)', 'A'],
    ['anywhere in the text, as often as it appears', 'x$(VAR_A)-$(VAR_B)_$(VAR_A)y', 'xA-B_Ay'],
    ['an empty variable becomes nothing', 'foo$(VAR_EMPTY)bar', 'foobar'],
    ['a value is not expanded again', '$(VAR_REF)', '$(VAR_A)'],
    ['an undefined variable stays as written', '$(UNDEFINED)', '$(UNDEFINED)'],
    ['a command substitution that names no variable stays', 'n=$(date +%s) $((1 + 2))', 'n=$(date +%s) $((1 + 2))'],
    ['"$$" becomes "$"', 'echo $$', 'echo $'],
    ['"$$(VAR)" becomes the literal "$(VAR)", even when VAR is defined', '$$(VAR_A)_$$(VAR_B)', '$(VAR_A)_$(VAR_B)'],
    ['"$$$$" becomes "$$"', 'DO $$$$ BEGIN END $$$$', 'DO $$ BEGIN END $$'],
    ['PostgreSQL dollar quoting loses its second "$"', 'DO $$ BEGIN END $$;', 'DO $ BEGIN END $;'],
    ['a named dollar quote stays', 'DO $body$ BEGIN END $body$;', 'DO $body$ BEGIN END $body$;'],
    ['an odd run of "$" before a defined variable: halves, then expands', '$$$$$$$(VAR_A)', '$$$A'],
    ['an even run of "$" before a variable: halves, and the reference stays literal', '$$$$$$(VAR_A)', '$$$(VAR_A)'],
    ['an odd run before an undefined variable', '$$$(NOPE)', '$$(NOPE)'],
    ["shell variables and braces are not the kubelet's syntax", '$VAR_A ${VAR_A} $? $! $1', '$VAR_A ${VAR_A} $? $! $1'],
    ['an incomplete "$(" stays', 'foo$(VAR_A and no closer', 'foo$(VAR_A and no closer'],
    ['a trailing "$(" stays', '$(VAR_B)___$(', 'B___$('],
    ['many incomplete "$(" stay', '--$($($($(--', '--$($($($(--'],
    ['a "$" at the end stays', '$(VAR_A)x$', 'Ax$'],
    ['a reference ends at the first ")": the name holds the rest, and is undefined', '$(VAR_A$(VAR_B))', '$(VAR_A$(VAR_B))'],
    ['"$$" inside a reference name is part of the name', '$(foo$$var)', '$(foo$$var)'],
    ['a backslash escapes nothing', 'foo\\$(VAR_A)bar', 'foo\\Abar'],
    ['a "$" before a character outside the BMP keeps it whole', '$\u{1F600}$(VAR_A)', '$\u{1F600}A'],
    ['newlines pass through', 'a\n$$\nb', 'a\n$\nb'],
  ])('%s', (_, input, expected) => {
    expect(expand(input, mapping)).toBe(expected);
  });
});

describe('changedPieces', () => {
  const isDefined = (name: string) => name in defined;
  it('finds every escape and every reference to a defined name, with its position', () => {
    expect(changedPieces('a $$ $(VAR_A) $(NOPE) $x', isDefined)).toEqual([
      { kind: 'escape', text: '$$', at: 2 },
      { kind: 'reference', name: 'VAR_A', text: '$(VAR_A)', at: 5 },
    ]);
  });
  it('finds nothing in text the kubelet leaves alone', () => {
    expect(changedPieces('$(date) ${HOME} $body$ $((1+1)) $', isDefined)).toEqual([]);
  });
  it('scan gives back the input, piece by piece', () => {
    const input = 'a$$b$(VAR_A)c$(d$';
    expect(
      scan(input)
        .map((p) => p.text)
        .join(''),
    ).toBe(input);
  });
});

describe('a container as the kubelet delivers it', () => {
  const container: IContainer = {
    name: 'c',
    command: ['bash', '-c'],
    args: ['echo $(HOST):$(PORT) $(PASSWORD) $(LATER) $(UNSET) $$'],
    env: [
      { name: 'HOST', value: 'db' },
      { name: 'URL', value: 'postgres://$(HOST):$(PORT)/x' },
      { name: 'PORT', value: '5432' },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      { name: 'QUOTED', value: '$$(HOST) $(PASSWORD)' },
      { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'creds', key: 'text' } } },
      { name: 'EMPTY', value: '' },
      { name: 'LATER', value: 'later' },
    ],
  };
  const secrets: Record<string, string> = { password: 'fake-pw', text: '$$ $(HOST)' };
  const sources = { valueFrom: (e: { valueFrom?: { secretKeyRef?: { key: string } } }) => secrets[e.valueFrom?.secretKeyRef?.key ?? ''] };

  it('expands an env value against the entries before it only', () => {
    const env = containerEnvironment(container, sources, noUnknown);
    expect(env.get('URL')).toBe('postgres://db:$(PORT)/x');
  });
  it('expands an env value with a Secret-sourced variable defined earlier, and halves its "$$"', () => {
    expect(containerEnvironment(container, sources, noUnknown).get('QUOTED')).toBe('$(HOST) fake-pw');
  });
  it('delivers a Secret-sourced value as it is: no expansion inside it', () => {
    expect(containerEnvironment(container, sources, noUnknown).get('FROM_SECRET')).toBe('$$ $(HOST)');
  });
  it('expands command and args against every variable the container defines, later ones included', () => {
    const delivered = deliveredContainer(container, sources, noUnknown);
    expect(delivered.command).toEqual(['bash', '-c']);
    expect(delivered.args).toEqual(['echo db:5432 fake-pw later $(UNSET) $']);
  });
  it('counts an empty value as defined', () => {
    expect(deliveredContainer({ args: ['[$(EMPTY)]'], env: container.env }, sources, noUnknown).args).toEqual(['[]']);
  });
  it('takes envFrom first, with its prefix, and lets env entries override it', () => {
    const env = containerEnvironment(
      {
        envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }],
        env: [
          { name: 'CM_A', value: 'own' },
          { name: 'B', value: '$(CM_B)' },
        ],
      },
      { envFrom: () => ({ A: 'from-map', B: 'b' }) },
      noUnknown,
    );
    expect([env.get('CM_A'), env.get('B')]).toEqual(['own', 'b']);
  });
  it("defines the Service variables, even for env values, without overriding the container's own", () => {
    const delivered = deliveredContainer(
      {
        args: ['$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)'],
        env: [
          { name: 'KUBERNETES_SERVICE_PORT', value: '6443' },
          { name: 'API', value: '$(KUBERNETES_SERVICE_HOST)' },
        ],
      },
      { service: apiServerServiceVariables },
      noUnknown,
    );
    expect(delivered.args).toEqual(['10.96.0.1:6443']);
    expect(delivered.env.get('API')).toBe('10.96.0.1');
  });
  it('asks what a defined variable of unknown value stands for, only when it is referenced', () => {
    const env = container.env?.filter((e) => e.name === 'PASSWORD');
    expect(deliveredContainer({ args: ['no reference'], env }, {}, noUnknown).args).toEqual(['no reference']);
    expect(() => deliveredContainer({ args: ['$(PASSWORD)'], env }, {}, noUnknown)).toThrow('unknown value of PASSWORD');
    expect(deliveredContainer({ args: ['$(PASSWORD)'], env }, {}, (name) => `<${name}>`).args).toEqual(['<PASSWORD>']);
  });
});
