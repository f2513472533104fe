// Kubernetes resource quantities ("2Gi", "500M", "1.5Gi") as numbers, to compare capacities.
const suffixes: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The quantity in base units (bytes for storage). Throws on anything Kubernetes would reject. */
export function parseQuantity(quantity: string | number): number {
  if (typeof quantity === 'number') return quantity;
  const match = /^([0-9]+(?:\.[0-9]+)?)(?:[eE]([+-]?[0-9]+))?([a-zA-Z]*)$/.exec(quantity.trim());
  const multiplier = match ? suffixes[match[3] ?? ''] : undefined;
  if (!match || multiplier === undefined) throw new Error(`"${quantity}" is not a Kubernetes quantity (e.g. 2Gi, 500M)`);
  return Number(match[1]) * 10 ** Number(match[2] ?? 0) * multiplier;
}
