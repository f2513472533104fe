// Formats the API server enforces but values.schema.json must check itself, so that bad values fail
// at `helm template` time instead of at `kubectl apply` time.

// The Kubernetes formats themselves live in k8s-formats.ts, shared with the validator; this module
// adds the chart's own (PostgreSQL identifiers, paths, time zones) under the names values.ts uses.
import * as k8s from './k8s-formats';

export { dnsLabel, dnsSubdomain, imageRepository, imageTag, ipAddress, ipCidr, ipv4, ipv4Cidr, positiveQuantity } from './k8s-formats';
/** RFC 1035 label: what a Service name must be (a letter first). */
export const serviceName = k8s.dns1035Label;
/** A Secret data key (the API server's rule). */
export const secretKey = k8s.configMapKey;
export const orEmpty = (pattern: string): string => `^$|${pattern}`;
/**
 * A PostgreSQL role or database name (63 bytes at most). The chart never writes one into SQL: the
 * image's entrypoint quotes them (`CREATE DATABASE :"db"`) and the scripts pass them in PGUSER and
 * PGDATABASE, so hyphens and capitals work; a first letter or "_" keeps them valid unquoted in psql too.
 */
export const pgIdentifier = '^[A-Za-z_][A-Za-z0-9_-]{0,62}$';
/** A DNS name, or a wildcard "*." followed by one (an Ingress host; IP addresses are refused separately). */
export const wildcardDnsName = '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** An absolute path on a node. */
export const absolutePath = '^/[^\\0]*$';
/** An Ingress path: absolute, no spaces. */
export const httpPath = '^/[^\\s]*$';
/** An IANA time zone name ("Europe/Paris", "UTC"). */
export const timeZone = '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$';
/** A Gateway API hostname: a lowercase DNS name, optionally a "*." wildcard (IP addresses are refused separately). */
export const gatewayHostname = '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/**
 * A CronJob schedule: five cron fields (numbers, names such as MON or JAN, `* / , - ?`), or one of the
 * macros the CronJob controller knows. `CRON_TZ=` and `TZ=` prefixes are refused (use `timeZone`).
 */
export const cronSchedule = '^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9A-Za-z*?/,-]+( +[0-9A-Za-z*?/,-]+){4})$';
