// A claim and a static PersistentVolume bind only when every one of these agrees.
import type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Context, nameOf } from './cross-context';
import type { KubeObject } from './objects';
import { parseQuantity } from './quantity';
import { describeObject, Segment } from './violations';

export function binding(ctx: Context): void {
  const { objects, options, namespaceOf, add } = ctx;
  const claims = objects.filter((o) => o.kind === 'PersistentVolumeClaim') as Array<KubeObject & IPersistentVolumeClaim>;
  const volumes = objects.filter((o) => o.kind === 'PersistentVolume') as Array<KubeObject & IPersistentVolume>;
  const pairs = new Set<string>();
  const compare = (pvc: KubeObject & IPersistentVolumeClaim, pv: KubeObject & IPersistentVolume, from: KubeObject) => {
    const key = `${nameOf(pvc)}|${nameOf(pv)}`;
    if (pairs.has(key)) return;
    pairs.add(key);
    const object = describeObject(from);
    const side: Segment[] = from === pvc ? ['spec', 'volumeName'] : ['spec', 'claimRef'];
    const pair = `PersistentVolumeClaim "${nameOf(pvc)}" and PersistentVolume "${nameOf(pv)}"`;
    // An omitted class on the claim becomes the cluster default (then a class-less static PV is skipped).
    const claimClass = pvc.spec?.storageClassName ?? options.defaultStorageClass ?? 'standard';
    const volumeClass = pv.spec?.storageClassName ?? '';
    if (claimClass !== volumeClass) {
      add(
        object,
        side,
        'pv-binding',
        `${pair} have storage classes "${claimClass}"${pvc.spec?.storageClassName === undefined ? ' (the cluster default, as the claim names none)' : ''} and "${volumeClass}": set the same storageClassName on both ("" for class-less)`,
      );
    }
    const offered = pv.spec?.accessModes ?? [];
    const missing = (pvc.spec?.accessModes ?? []).filter((m) => !offered.includes(m));
    if (missing.length > 0)
      add(
        object,
        side,
        'pv-binding',
        `${pair}: the volume does not offer access mode ${missing.join(', ')} (it offers ${offered.join(', ') || 'none'})`,
      );
    const request = parseQuantity(pvc.spec?.resources?.requests?.storage);
    const capacity = parseQuantity(pv.spec?.capacity?.storage);
    if (request !== undefined && capacity !== undefined && capacity < request) {
      add(
        object,
        side,
        'pv-binding',
        `${pair}: capacity ${String(pv.spec?.capacity?.storage)} is smaller than the request ${String(pvc.spec?.resources?.requests?.storage)}`,
      );
    }
    if ((pvc.spec?.volumeMode ?? 'Filesystem') !== (pv.spec?.volumeMode ?? 'Filesystem')) {
      add(object, side, 'pv-binding', `${pair} have different volumeModes`);
    }
    if (pvc.spec?.volumeName !== undefined && pvc.spec.volumeName !== nameOf(pv)) {
      add(object, side, 'pv-binding', `${pair}: the claim pre-binds volume "${pvc.spec.volumeName}", not this one`);
    }
    const ref = pv.spec?.claimRef;
    if (ref && (ref.name !== nameOf(pvc) || (ref.namespace ?? '') !== namespaceOf(pvc))) {
      const hint = ref.name === nameOf(pvc) ? " (claimRef needs the claim's namespace too)" : '';
      add(
        object,
        side,
        'pv-binding',
        `${pair}: the volume's claimRef names ${ref.namespace ?? '?'}/${ref.name ?? '?'}, not ${namespaceOf(pvc)}/${nameOf(pvc)}${hint}`,
      );
    }
  };
  for (const pvc of claims) {
    const volumeName = pvc.spec?.volumeName;
    if (volumeName === undefined) continue;
    const pv = volumes.find((v) => nameOf(v) === volumeName);
    if (!pv)
      add(
        describeObject(pvc),
        ['spec', 'volumeName'],
        'pv-binding',
        `the claim pre-binds PersistentVolume "${volumeName}", which is not rendered: the claim stays Pending`,
      );
    else compare(pvc, pv, pvc);
  }
  for (const pv of volumes) {
    const ref = pv.spec?.claimRef;
    if (!ref?.name) continue;
    const pvc = claims.find((c) => nameOf(c) === ref.name && namespaceOf(c) === (ref.namespace ?? namespaceOf(c)));
    if (!pvc)
      add(
        describeObject(pv),
        ['spec', 'claimRef'],
        'pv-binding',
        `claimRef names PersistentVolumeClaim ${ref.namespace ?? '?'}/${ref.name}, which is not rendered`,
      );
    else compare(pvc, pv, pv);
  }
}
