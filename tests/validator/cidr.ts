// CIDR arithmetic for the service range (the API server's --service-cluster-ip-range), IPv4 or IPv6
// (a dual-stack cluster has one range of each; pass the family the fixed clusterIP belongs to).
import { isIPv4, isIPv4Cidr, isIPv6 } from '../../generator/model/k8s-formats';

export interface Cidr {
  text: string;
  family: 4 | 6;
  network: bigint;
  size: bigint;
}

function ipv6ToBigInt(ip: string): bigint {
  const [head = '', tail] = ip.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((n, group) => n * 65536n + BigInt(parseInt(group, 16)), 0n);
}

const toBigInt = (ip: string): bigint => (isIPv4(ip) ? ip.split('.').reduce((n, octet) => n * 256n + BigInt(octet), 0n) : ipv6ToBigInt(ip));
export const toIp = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

export function parseCidr(text: string): Cidr {
  const [ip = '', bits] = text.split('/');
  const prefix = Number(bits);
  const family = isIPv4Cidr(text) ? 4 : isIPv6(ip) && Number.isInteger(prefix) && prefix >= 0 && prefix <= 128 ? 6 : undefined;
  if (!family) {
    throw new Error(`"${text}" is not a CIDR such as 10.96.0.0/12 or fd00:10:96::/112`);
  }
  const size = 2n ** BigInt((family === 4 ? 32 : 128) - prefix);
  const address = toBigInt(ip);
  return { text, family, network: address - (address % size), size };
}

/** Offset of the address inside the range, or undefined when outside (or of the other family). */
export function offsetIn(cidr: Cidr, ip: string): bigint | undefined {
  const family = isIPv4(ip) ? 4 : isIPv6(ip) ? 6 : undefined;
  if (family !== cidr.family) return undefined;
  const offset = toBigInt(ip) - cidr.network;
  return offset >= 0n && offset < cidr.size ? offset : undefined;
}
