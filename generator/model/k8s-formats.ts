// Kubernetes formats, written once: the rules the API server (apimachinery validation) applies to
// names, labels, quantities, addresses and images. Each is a regular expression that JavaScript and
// Go (RE2, the chart's `regexMatch`) both accept (no lookaround), plus a predicate with the length
// limits a pattern does not carry, and the same rule in words: the chart's generated checks
// (generator/emit/value-checks.ts) print the words, never the expression. The values definition
// (generator/model/patterns.ts, k8s-schemas.ts) and the validator (tests/validator/) both use them.

/** A format in words: what a message calls it, its rule, and a valid example. */
export interface FormatWords {
  /** A short, stable name, written as `x-format` in values.schema.json. */
  id: string;
  /** What a value of this format is called ("a DNS label"). */
  name: string;
  /** The rule, for someone who does not read regular expressions. */
  rule: string;
  /** A valid value, offered as the fix. */
  example: string;
  /** The fix, when "write one such as <example>" is not the right one. */
  fix?: string;
  /** A secret: the message must not print the value (it would end up in CI logs). */
  secret?: boolean;
}

const described = new Map<string, FormatWords>();

/** Register a pattern with its words; returns the pattern, so a format stays one expression. */
export function format(pattern: string, words: FormatWords): string {
  const known = described.get(pattern);
  if (known && known.id !== words.id) throw new Error(`pattern of format ${words.id} is already format ${known.id}`);
  described.set(pattern, words);
  return pattern;
}

/** `^$|<pattern>`: the pattern, or an empty string. */
export const orEmpty = (pattern: string): string => `^$|${pattern}`;

/**
 * The words of a pattern used in the values definition; undefined when none were registered (the
 * generator then refuses to build, so that no message can fall back to the expression).
 */
export function describeFormat(pattern: string): (FormatWords & { emptyAllowed: boolean }) | undefined {
  const emptyAllowed = pattern.startsWith('^$|');
  const words = described.get(emptyAllowed ? pattern.slice(3) : pattern);
  return words && { ...words, emptyAllowed };
}

/** Every registered format, by id (tests draw values from them). */
export const formatsById = (): Map<string, { pattern: string } & FormatWords> =>
  new Map([...described].map(([pattern, words]) => [words.id, { pattern, ...words }]));

const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const nameBody = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const positiveNumber = '(0\\.[0-9]*[1-9][0-9]*|[1-9][0-9]*(\\.[0-9]+)?)';

/** RFC 1123 label (63 characters at most): most object names, container, volume and port names. */
export const dnsLabel = format(`^${label}$`, {
  id: 'dns-label',
  name: 'a DNS label',
  rule: 'at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit',
  example: 'my-namespace',
});
/** RFC 1035 label (63 characters at most): what a Service name must be (a letter first). */
export const dns1035Label = format('^[a-z]([-a-z0-9]*[a-z0-9])?$', {
  id: 'service-name',
  name: 'a Service name (RFC 1035 label)',
  rule: 'lowercase letters, digits and "-", starting with a letter and ending with a letter or digit',
  example: 'squash',
});
/** RFC 1123 subdomain (253 characters at most): Secret, ConfigMap and claim names, DNS names. */
export const dnsSubdomain = format(`^${label}(\\.${label})*$`, {
  id: 'dns-subdomain',
  name: 'a DNS name (RFC 1123 subdomain)',
  rule: 'lowercase letters, digits, "-" and ".", each part between dots starting and ending with a letter or digit',
  example: 'my-name',
});
/** A label value: empty, or 63 characters at most, alphanumeric at both ends. */
export const labelValue = format(`^(${nameBody})?$`, {
  id: 'label-value',
  name: 'a label value',
  rule: 'empty, or at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
  example: 'linux',
});
/** A label or annotation key: an optional DNS-subdomain prefix and "/", then a name of 63 characters at most. */
export const qualifiedName = format(`^(${label}(\\.${label})*/)?${nameBody}$`, {
  id: 'label-key',
  name: 'a label or annotation key',
  rule:
    'an optional prefix (a lowercase DNS name) and "/", then at most 63 letters, digits, "-", "_" and ".", starting ' +
    'and ending with a letter or digit; no spaces',
  example: 'example.com/team',
});
const ipv4Body = `(${octet}\\.){3}${octet}`;
const ipv4CidrBody = `${ipv4Body}/(3[0-2]|[12]?[0-9])`;
/** A dotted IPv4 address, without leading zeros. */
export const ipv4 = `^${ipv4Body}$`;
/** An IPv4 CIDR block ("10.0.0.0/8"). */
export const ipv4Cidr = `^${ipv4CidrBody}$`;
const h16 = '[0-9a-fA-F]{1,4}';
const ipv6Body =
  `((${h16}:){7}${h16}|(${h16}:){1,7}:|(${h16}:){1,6}:${h16}|(${h16}:){1,5}(:${h16}){1,2}|(${h16}:){1,4}(:${h16}){1,3}` +
  `|(${h16}:){1,3}(:${h16}){1,4}|(${h16}:){1,2}(:${h16}){1,5}|${h16}:(:${h16}){1,6}|:((:${h16}){1,7}|:))`;
/** An IPv6 address in hexadecimal groups, "::" allowed (no embedded IPv4, no zone). */
export const ipv6 = `^${ipv6Body}$`;
const ipv6CidrBody = `${ipv6Body}/(12[0-8]|1[01][0-9]|[1-9]?[0-9])`;
/** An IPv4 or IPv6 address: what a dual-stack cluster accepts in a Service's clusterIP. */
export const ipAddress = format(`^(${ipv4Body}|${ipv6Body})$`, {
  id: 'ip-address',
  name: 'an IP address',
  rule: 'an IPv4 address (no leading zeros) or an IPv6 one, without a prefix length',
  example: '10.96.100.100',
  fix: 'write e.g. "10.96.100.100" or "fd00:10:96::100"',
});
/** An IPv4 or IPv6 CIDR block ("fd00:10:96::/112"): what loadBalancerSourceRanges accepts. */
export const ipCidr = format(`^(${ipv4CidrBody}|${ipv6CidrBody})$`, {
  id: 'ip-cidr',
  name: 'a CIDR block',
  rule: 'an address and a prefix length (IPv4 up to 32, IPv6 up to 128)',
  example: '203.0.113.0/24',
  fix: 'write e.g. "203.0.113.0/24" or "2001:db8::/32"',
});
/** A resource quantity as the API server parses it: signed, decimal or binary suffix, or exponent. */
export const quantity = '^([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?$';
/** A strictly positive quantity with an optional binary or decimal suffix: a size ("2Gi", "500M"). */
export const positiveQuantity = format(`^${positiveNumber}(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$`, {
  id: 'size',
  name: 'a size',
  rule:
    'a number above 0 with no space before its unit: Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024) or k, M, G, T, P, E ' +
    '(powers of 1000), case as written',
  example: '2Gi',
});
/** A strictly positive CPU or memory quantity: a size, or millicores ("500m"). */
export const positiveResourceQuantity = format(`^${positiveNumber}(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$`, {
  id: 'resource-quantity',
  name: 'a CPU or memory quantity',
  rule:
    'a number above 0 with no space before its unit: m (thousandths, for CPU), Ki, Mi, Gi, Ti, Pi, Ei (powers of ' +
    '1024) or k, M, G, T, P, E (powers of 1000), case as written',
  example: '512Mi',
  fix: 'write e.g. "500m" for CPU or "512Mi" for memory',
});
/** An environment variable name before Kubernetes 1.32 (a C identifier, plus "-" and "."). */
export const envVarName = format('^[-._a-zA-Z][-._a-zA-Z0-9]*$', {
  id: 'env-name',
  name: 'an environment variable name',
  rule: 'letters, digits, "_", "-" and ".", not starting with a digit',
  example: 'SPRING_MAIL_HOST',
});
/** An environment variable name from 1.32 (RelaxedEnvironmentVariableValidation): printable ASCII but "=". */
export const relaxedEnvVarName = '^[\\x20-\\x3c\\x3e-\\x7e]+$';
/** A Secret or ConfigMap data key (253 characters at most). */
export const configMapKey = format('^[-._a-zA-Z0-9]+$', {
  id: 'data-key',
  name: 'a Secret or ConfigMap key',
  rule: 'letters, digits, "-", "_" and "." only (no "/", no spaces)',
  example: 'password',
});
const tagBody = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
/** An OCI image tag. */
export const imageTag = format(`^${tagBody}$`, {
  id: 'image-tag',
  name: 'an image tag',
  rule: '1 to 128 letters, digits, "_", "." and "-", not starting with "." or "-"',
  example: '13.0.1',
});
/** An image repository as the chart accepts it: optional registry host, lowercase path components. */
export const imageRepository = format('^([a-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$', {
  id: 'image-repository',
  name: 'an image repository',
  rule:
    'an optional registry host (with an optional ":port") and "/", then lowercase parts separated by "/", each of ' +
    'letters and digits joined by single ".", "_" or "-"; no tag (it goes in tag)',
  example: 'registry.example.com/team/squash',
});
const component = '[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*';
const host = '[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?';
/** A full image reference (distribution's grammar): [registry/]repository[:tag][@sha256:digest]. */
export const imageReference = `^(${host}(\\.${host})*(:[0-9]+)?/)?${component}(/${component})*(:${tagBody})?(@sha256:[0-9a-f]{64})?$`;
/** An IANA service name, what a named container port must be (with a letter, no "--", 15 characters at most). */
export const portName = format('^[a-z0-9]([a-z0-9-]*[a-z0-9])?$', {
  id: 'port-name',
  name: 'a port name',
  rule: 'lowercase letters, digits and "-", starting and ending with a letter or digit',
  example: 'https',
});
/** A Linux capability as a container's securityContext names it (without CAP_). */
export const capability = format('^[A-Z_]+$', {
  id: 'capability',
  name: 'a Linux capability name',
  rule: 'capital letters and "_", without the "CAP_" prefix',
  example: 'NET_BIND_SERVICE',
});

const matcher = (pattern: string) => {
  const re = new RegExp(pattern);
  return (s: string): boolean => re.test(s);
};
const matches = {
  dnsLabel: matcher(dnsLabel),
  dns1035Label: matcher(dns1035Label),
  dnsSubdomain: matcher(dnsSubdomain),
  qualifiedName: matcher(qualifiedName),
  configMapKey: matcher(configMapKey),
  envVarName: matcher(envVarName),
  relaxedEnvVarName: matcher(relaxedEnvVarName),
  portName: matcher(portName),
};

export const isDnsLabel = (s: string): boolean => s.length <= 63 && matches.dnsLabel(s);
export const isDns1035Label = (s: string): boolean => s.length <= 63 && matches.dns1035Label(s);
export const isDnsSubdomain = (s: string): boolean => s.length <= 253 && matches.dnsSubdomain(s);
export const isLabelValue = matcher(labelValue);
export const isIPv4 = matcher(ipv4);
export const isIPv4Cidr = matcher(ipv4Cidr);
export const isIPv6 = matcher(ipv6);
export const isImageReference = matcher(imageReference);
export const isConfigMapKey = (s: string): boolean => s.length <= 253 && matches.configMapKey(s);
export const isEnvVarName = (s: string, relaxed: boolean): boolean => (relaxed ? matches.relaxedEnvVarName : matches.envVarName)(s);
export const isPortName = (s: string): boolean => s.length <= 15 && matches.portName(s) && /[a-z]/.test(s) && !s.includes('--');
/** A label or annotation key; its prefix is a DNS subdomain, so 253 characters at most. */
export const isQualifiedName = (key: string): boolean => key.lastIndexOf('/') <= 253 && matches.qualifiedName(key);
