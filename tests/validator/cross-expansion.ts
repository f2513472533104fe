// No container's command, args or env value may be changed by the kubelet's $(VAR) expansion
// (kubelet-expansion.ts): a script that holds "$$" runs with "$" (PostgreSQL's `DO $$ ... $$` reaches
// psql as `DO $ ... $`), and a "$(NAME)" of a variable the container defines runs with its value.
// What a container defines: its env entries (earlier ones only, for an env value), the keys of the
// ConfigMaps and Secrets its envFrom names when they are rendered or documented, the API server's
// Service variables, and the service-link variables of the namespace's Services unless the pod sets
// enableServiceLinks: false. An escape doubled on purpose ("$$$$", "$$(NAME)") is taken as written
// for the kubelet, as the fix this rule gives says.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvFromSource } from 'kubernetes-models/v1/EnvFromSource';
import type { Context } from './cross-context';
import { nameOf } from './cross-context';
import { serviceLinkVariables } from './cross-network';
import { apiServerServiceVariables, changedPieces, Piece } from './kubelet-expansion';
import type { KubeObject } from './objects';
import { containersOf, podTemplates } from './pods';
import type { Segment } from './violations';

/** The keys of the ConfigMap or Secret an envFrom entry names, when this rendering knows them. */
function envFromKeys(ctx: Context, namespace: string, source: IEnvFromSource): string[] {
  const [kind, name] = source.configMapRef ? ['ConfigMap', source.configMapRef.name] : ['Secret', source.secretRef?.name];
  const object = ctx.objects.find((o) => o.kind === kind && nameOf(o) === name && ctx.namespaceOf(o) === namespace) as
    | (KubeObject & { data?: Record<string, unknown>; stringData?: Record<string, unknown>; binaryData?: Record<string, unknown> })
    | undefined;
  const keys = object
    ? [...Object.keys(object.data ?? {}), ...Object.keys(object.stringData ?? {}), ...Object.keys(object.binaryData ?? {})]
    : kind === 'Secret'
      ? [...(ctx.options.existingSecrets?.[name ?? ''] ?? [])]
      : [];
  return keys.map((k) => `${source.prefix ?? ''}${k}`);
}

/**
 * An escape written for the kubelet: part of a run of four "$" or more ("$$$$" for a literal "$$"), or
 * right before "(" ("$$(NAME)" for a literal "$(NAME)"). A lone "$$" is the mistake this rule is about:
 * the shell's PID or PostgreSQL's dollar quote, which reaches the container as "$".
 */
function writtenForTheKubelet(text: string, piece: Piece): boolean {
  let start = piece.at;
  while (start > 0 && text[start - 1] === '$') start -= 1;
  let end = piece.at;
  while (text[end] === '$') end += 1;
  return end - start >= 4 || text[end] === '(';
}

/** The line of `text` a piece is on, trimmed, for the message: the offending text in its context. */
function lineOf(text: string, piece: Piece): string {
  const start = text.lastIndexOf('\n', piece.at) + 1;
  const end = text.indexOf('\n', piece.at);
  const line = text.slice(start, end === -1 ? undefined : end).trim();
  const number = text.slice(0, start).split('\n').length;
  const shown = line.length > 80 ? `${line.slice(0, 77)}...` : line;
  return text.includes('\n') ? `line ${number}: ${JSON.stringify(shown)}` : JSON.stringify(shown);
}

function describePieces(text: string, pieces: Piece[]): string {
  const escapes = pieces.filter((p) => p.kind === 'escape');
  const references = pieces.filter((p): p is Extract<Piece, { kind: 'reference' }> => p.kind === 'reference');
  const parts: string[] = [];
  if (escapes.length > 0) {
    parts.push(
      `"$$" becomes "$" (${escapes.length === 1 ? 'once' : `${escapes.length} times`}, first at ${lineOf(text, escapes[0] as Piece)}): write "$$$$" where the container must see "$$", or avoid "$$" (PostgreSQL: DO $body$ ... $body$)`,
    );
  }
  for (const name of [...new Set(references.map((r) => r.name))]) {
    const first = references.find((r) => r.name === name) as Piece;
    parts.push(
      `"$(${name})" becomes the value of the container's variable ${name} (at ${lineOf(text, first)}): write "$$(${name})" where the container must see "$(${name})", or use "\${${name}}" in a shell script`,
    );
  }
  return parts.join('; ');
}

export function kubeletExpansion(ctx: Context): void {
  const services = ctx.objects.filter((o) => o.kind === 'Service');
  for (const pod of podTemplates(ctx.objects)) {
    const namespace = ctx.namespaceOf(pod.owner);
    const service = new Set(Object.keys(apiServerServiceVariables));
    if (pod.spec.enableServiceLinks !== false) {
      for (const s of services) if (ctx.namespaceOf(s) === namespace) serviceLinkVariables(s).forEach((v) => service.add(v));
    }
    for (const at of containersOf(pod)) {
      const container: IContainer = at.container;
      const fromEnvFrom = (container.envFrom ?? []).flatMap((source) => envFromKeys(ctx, namespace, source));
      const report = (path: Segment[], field: string, text: unknown, defined: (name: string) => boolean) => {
        if (typeof text !== 'string') return;
        const pieces = changedPieces(text, defined).filter((p) => p.kind !== 'escape' || !writtenForTheKubelet(text, p));
        if (pieces.length === 0) return;
        ctx.add(
          pod.object,
          [...at.path, ...path],
          'kubelet-expansion',
          `${at.label}: ${field} is changed by the kubelet before the container sees it: ${describePieces(text, pieces)}`,
        );
      };
      const all = new Set([...fromEnvFrom, ...(container.env ?? []).map((e) => e.name), ...service]);
      (container.command ?? []).forEach((c, i) => report(['command', i], `command[${i}]`, c, (n) => all.has(n)));
      (container.args ?? []).forEach((a, i) => report(['args', i], `args[${i}]`, a, (n) => all.has(n)));
      const earlier = new Set([...fromEnvFrom, ...service]);
      (container.env ?? []).forEach((entry, i) => {
        // The kubelet expands only a non-empty literal value; a valueFrom value is delivered as it is.
        report(['env', i, 'value'], `env ${entry.name}`, entry.value, (n) => earlier.has(n));
        earlier.add(entry.name);
      });
    }
  }
}
