// The kubelet rewrites a container's command, args and env values before the container sees them
// (Kubernetes third_party/forked/golang/expansion, used by the kubelet's makeEnvironmentVariables and
// ExpandContainerCommandAndArgs): "$$" becomes "$", "$(NAME)" becomes the value of NAME when NAME is
// defined and stays as written otherwise, and any other "$" stays. A script that means "$$" or a
// "$(VAR)" of its own therefore runs as something else; this module computes what it runs as.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvFromSource } from 'kubernetes-models/v1/EnvFromSource';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';

/** A run of the input the kubelet copies, an escape it halves, or a reference it may replace. */
export type Piece =
  | { kind: 'text'; text: string; at: number }
  | { kind: 'escape'; text: '$$'; at: number }
  | { kind: 'reference'; name: string; text: string; at: number };

/**
 * The input cut as the kubelet's Expand reads it. After a "$": a second "$" is an escape; "(" opens
 * a reference closed by the next ")" (the name is everything between, spaces and "$" included), or,
 * without any ")" later, is copied; any other character is copied with the "$", which never starts
 * anything then. A "$" at the very end is copied.
 */
export function scan(input: string): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  let textAt = 0;
  const flush = (at: number) => {
    if (text !== '') pieces.push({ kind: 'text', text, at: textAt });
    text = '';
    textAt = at;
  };
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (c !== '$' || i + 1 === input.length) {
      if (text === '') textAt = i;
      text += c;
      i += 1;
      continue;
    }
    const next = input.codePointAt(i + 1) as number;
    const nextLength = next > 0xffff ? 2 : 1;
    if (next === 0x24 /* $ */) {
      flush(i);
      pieces.push({ kind: 'escape', text: '$$', at: i });
      i += 2;
    } else if (next === 0x28 /* ( */ && input.indexOf(')', i + 2) !== -1) {
      const close = input.indexOf(')', i + 2);
      flush(i);
      pieces.push({ kind: 'reference', name: input.slice(i + 2, close), text: input.slice(i, close + 1), at: i });
      i = close + 1;
    } else {
      // "$" and the character after it are copied, and that character starts nothing.
      if (text === '') textAt = i;
      text += input.slice(i, i + 1 + nextLength);
      i += 1 + nextLength;
    }
  }
  flush(i);
  return pieces;
}

/** The value of a defined variable, or undefined when the kubelet knows no such variable. */
export type Mapping = (name: string) => string | undefined;

/** What the kubelet makes of `input` (expansion.Expand with MappingFuncFor's fallback: an unknown name stays "$(name)"). */
export function expand(input: string, mapping: Mapping): string {
  return scan(input)
    .map((p) => (p.kind === 'text' ? p.text : p.kind === 'escape' ? '$' : (mapping(p.name) ?? p.text)))
    .join('');
}

/** The pieces of `input` the kubelet would change: every "$$", and every reference to a defined name. */
export const changedPieces = (input: string, defined: (name: string) => boolean): Piece[] =>
  scan(input).filter((p) => p.kind === 'escape' || (p.kind === 'reference' && defined(p.name)));

/** Where the values of the variables a container does not spell out come from. */
export interface EnvironmentSources {
  /**
   * The value of an env entry with `valueFrom` (a Secret or ConfigMap key, a field, a resource).
   * undefined: the variable is defined but its value is not known here.
   */
  valueFrom?: (entry: IEnvVar) => string | undefined;
  /** The variables an envFrom source holds (before its prefix); undefined: not known here (none counted). */
  envFrom?: (source: IEnvFromSource) => Readonly<Record<string, string>> | undefined;
  /** The Service variables the kubelet adds (KUBERNETES_SERVICE_HOST..., and service links when enabled). */
  service?: Readonly<Record<string, string>>;
}

/** A container's environment: each variable's value, or undefined when it is defined but not known here. */
export type Environment = ReadonlyMap<string, string | undefined>;

function lookupIn(
  ...contexts: Array<ReadonlyMap<string, string | undefined>>
): (name: string) => { value: string | undefined } | undefined {
  return (name) => {
    for (const context of contexts) if (context.has(name)) return { value: context.get(name) };
    return undefined;
  };
}

/** A Mapping over an Environment; `unknown` says what a defined variable of unknown value expands to (or throws). */
export function mappingOf(environment: Environment, unknown: (name: string) => string): Mapping {
  return (name) => {
    if (!environment.has(name)) return undefined;
    return environment.get(name) ?? unknown(name);
  };
}

/**
 * The environment the kubelet gives a container (makeEnvironmentVariables): envFrom first, then each
 * env entry in order, a literal value expanded against the variables defined so far (envFrom, earlier
 * entries, Service variables), an entry with valueFrom resolved without expansion; the Service
 * variables fill in names the container does not define. `unknown` is what a reference to a defined
 * variable of unknown value expands to (it may throw).
 */
export function containerEnvironment(
  container: Pick<IContainer, 'env' | 'envFrom'>,
  sources: EnvironmentSources,
  unknown: (name: string) => string,
): Environment {
  const defined = new Map<string, string | undefined>();
  for (const source of container.envFrom ?? []) {
    for (const [key, value] of Object.entries(sources.envFrom?.(source) ?? {})) defined.set(`${source.prefix ?? ''}${key}`, value);
  }
  const service = new Map(Object.entries(sources.service ?? {}));
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined && entry.value !== '') {
      const find = lookupIn(defined, service);
      defined.set(
        entry.name,
        expand(entry.value, (name) => {
          const found = find(name);
          return found === undefined ? undefined : (found.value ?? unknown(name));
        }),
      );
    } else if (entry.valueFrom) defined.set(entry.name, sources.valueFrom?.(entry));
    else defined.set(entry.name, '');
  }
  for (const [name, value] of service) if (!defined.has(name)) defined.set(name, value);
  return defined;
}

/** A container as the kubelet delivers it: command and args expanded against its whole environment. */
export interface DeliveredContainer {
  command?: string[];
  args?: string[];
  env: Environment;
}

export function deliveredContainer(
  container: Pick<IContainer, 'command' | 'args' | 'env' | 'envFrom'>,
  sources: EnvironmentSources,
  unknown: (name: string) => string,
): DeliveredContainer {
  const env = containerEnvironment(container, sources, unknown);
  const mapping = mappingOf(env, unknown);
  return {
    ...(container.command ? { command: container.command.map((c) => expand(c, mapping)) } : {}),
    ...(container.args ? { args: container.args.map((a) => expand(a, mapping)) } : {}),
    env,
  };
}

/**
 * The variables the kubelet always injects for the API server's Service ("kubernetes" in the default
 * namespace), even with enableServiceLinks: false (getServiceEnvVarMap); the values are a typical
 * cluster's.
 */
export const apiServerServiceVariables: Readonly<Record<string, string>> = {
  KUBERNETES_SERVICE_HOST: '10.96.0.1',
  KUBERNETES_SERVICE_PORT: '443',
  KUBERNETES_SERVICE_PORT_HTTPS: '443',
  KUBERNETES_PORT: 'tcp://10.96.0.1:443',
  KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
  KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
  KUBERNETES_PORT_443_TCP_PORT: '443',
  KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
};
