// IPv4 CIDR arithmetic for the service range (the API server's --service-cluster-ip-range).
import { isIPv4, isIPv4Cidr } from '../../generator/model/k8s-formats';

export interface Cidr {
  text: string;
  network: number;
  size: number;
}

const toInt = (ip: string): number => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
export const toIp = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

export function parseCidr(text: string): Cidr {
  const [ip = '', bits] = text.split('/');
  const prefix = Number(bits);
  if (!isIPv4Cidr(text)) {
    throw new Error(`"${text}" is not an IPv4 CIDR such as 10.96.0.0/12`);
  }
  const size = 2 ** (32 - prefix);
  return { text, network: toInt(ip) - (toInt(ip) % size), size };
}

/** Offset of the address inside the range, or undefined when outside (or not IPv4). */
export function offsetIn(cidr: Cidr, ip: string): number | undefined {
  if (!isIPv4(ip)) return undefined;
  const offset = toInt(ip) - cidr.network;
  return offset >= 0 && offset < cidr.size ? offset : undefined;
}
