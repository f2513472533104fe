// Kubernetes resource quantities ("500m", "2Gi", "1e3"), parsed the way apimachinery does, so that
// sizes can be compared (PV capacity >= claim request, request <= limit). The schema's own
// "quantity" format is looser than the API server (it accepts "1da", "3h", "2 Gi"-like prefixes).

import { quantity } from '../../generator/model/k8s-formats';

const pattern = new RegExp(quantity);

const multipliers: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The quantity's value in base units (bytes, cores), or undefined when it is not a quantity. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = pattern.exec(value);
  if (!match) return undefined;
  const suffix = match[2] ?? '';
  const multiplier = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : multipliers[suffix];
  return multiplier === undefined ? undefined : Number(match[1]) * multiplier;
}

export const quantityHelp = 'a Kubernetes quantity such as 500m, 1, 256Mi or 2Gi';
