// References from pods to other objects: Secrets and ConfigMaps (env, envFrom, volumes, pull
// secrets), claims and ServiceAccounts must be rendered or documented as existing.
import { Context, nameOf } from './cross-context';
import { containersOf, podTemplates } from './pods';
import type { KubeObject } from './objects';
import type { Segment } from './violations';

function keysOf(o: KubeObject | undefined, fields: string[]): Set<string> {
  return new Set(fields.flatMap((f) => Object.keys((o?.[f] as Record<string, unknown> | undefined) ?? {})));
}

export function references(ctx: Context): void {
  const { objects, options, namespaceOf, add } = ctx;
  for (const pod of podTemplates(objects)) {
    const ns = namespaceOf(pod.owner);
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && nameOf(o) === name && namespaceOf(o) === ns);
    const check = (
      kind: 'Secret' | 'ConfigMap',
      name: unknown,
      key: string | undefined,
      optional: boolean | undefined,
      path: Segment[],
    ) => {
      if (optional === true || typeof name !== 'string') return;
      const rendered = find(kind, name);
      const existing = kind === 'Secret' ? options.existingSecrets?.[name] : undefined;
      if (!rendered && !existing) {
        add(
          pod.object,
          path,
          kind === 'Secret' ? 'secret-ref' : 'configmap-ref',
          `${kind} "${name}" is neither rendered nor a documented existing ${kind}: render it, fix the name, or pass it as an existing ${kind}`,
        );
        return;
      }
      const keys = rendered ? keysOf(rendered, kind === 'Secret' ? ['data', 'stringData'] : ['data', 'binaryData']) : new Set(existing);
      if (key !== undefined && !keys.has(key)) {
        add(
          pod.object,
          path,
          kind === 'Secret' ? 'secret-ref' : 'configmap-ref',
          `${kind} "${name}" has no key "${key}" (it has ${[...keys].map((k) => `"${k}"`).join(', ') || 'none'}): fix the key name`,
        );
      }
    };
    for (const at of containersOf(pod)) {
      (at.container.env ?? []).forEach((env, i) => {
        const envPath = [...at.path, 'env', i, 'valueFrom'];
        const secret = env.valueFrom?.secretKeyRef;
        const configMap = env.valueFrom?.configMapKeyRef;
        if (secret) check('Secret', secret.name, secret.key, secret.optional, [...envPath, 'secretKeyRef']);
        if (configMap) check('ConfigMap', configMap.name, configMap.key, configMap.optional, [...envPath, 'configMapKeyRef']);
      });
      (at.container.envFrom ?? []).forEach((source, i) => {
        if (source.secretRef)
          check('Secret', source.secretRef.name, undefined, source.secretRef.optional, [...at.path, 'envFrom', i, 'secretRef']);
        if (source.configMapRef)
          check('ConfigMap', source.configMapRef.name, undefined, source.configMapRef.optional, [...at.path, 'envFrom', i, 'configMapRef']);
      });
    }
    (pod.spec.imagePullSecrets ?? []).forEach((ref, i) =>
      check('Secret', ref.name, undefined, false, [...pod.path, 'spec', 'imagePullSecrets', i]),
    );
    (pod.spec.volumes ?? []).forEach((volume, i) => {
      const path: Segment[] = [...pod.path, 'spec', 'volumes', i];
      if (volume.secret) {
        check('Secret', volume.secret.secretName, undefined, volume.secret.optional, [...path, 'secret']);
        (volume.secret.items ?? []).forEach((item, j) =>
          check('Secret', volume.secret?.secretName, item.key, volume.secret?.optional, [...path, 'secret', 'items', j]),
        );
      }
      if (volume.configMap) {
        check('ConfigMap', volume.configMap.name, undefined, volume.configMap.optional, [...path, 'configMap']);
        (volume.configMap.items ?? []).forEach((item, j) =>
          check('ConfigMap', volume.configMap?.name, item.key, volume.configMap?.optional, [...path, 'configMap', 'items', j]),
        );
      }
      (volume.projected?.sources ?? []).forEach((source, j) => {
        if (source.secret)
          check('Secret', source.secret.name, undefined, source.secret.optional, [...path, 'projected', 'sources', j, 'secret']);
        if (source.configMap)
          check('ConfigMap', source.configMap.name, undefined, source.configMap.optional, [
            ...path,
            'projected',
            'sources',
            j,
            'configMap',
          ]);
      });
      const claim = volume.persistentVolumeClaim?.claimName;
      if (claim !== undefined && !find('PersistentVolumeClaim', claim) && !options.existingClaims?.includes(claim)) {
        add(
          pod.object,
          [...path, 'persistentVolumeClaim', 'claimName'],
          'claim-ref',
          `PersistentVolumeClaim "${claim}" is neither rendered nor a documented existing claim: the pod would stay Pending`,
        );
      }
    });
  }
}

/** A claim and a static volume bind only when every one of these agrees. */
export function serviceAccounts(ctx: Context): void {
  for (const pod of podTemplates(ctx.objects)) {
    const name = pod.spec.serviceAccountName;
    if (name === undefined || name === 'default' || ctx.options.existingServiceAccounts?.includes(name)) continue;
    if (!ctx.objects.some((o) => o.kind === 'ServiceAccount' && nameOf(o) === name && ctx.namespaceOf(o) === ctx.namespaceOf(pod.owner))) {
      ctx.add(
        pod.object,
        [...pod.path, 'spec', 'serviceAccountName'],
        'service-account-ref',
        `ServiceAccount "${name}" is neither rendered nor a documented existing one: the pods would never be created`,
      );
    }
  }
}
