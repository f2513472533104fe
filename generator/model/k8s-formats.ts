// Kubernetes formats, written once: the rules the API server (apimachinery validation) applies to
// names, labels, quantities, addresses and images. Each is a regular expression that JSON schema
// (values.schema.json, read by Helm 3 and 4) and JavaScript both accept (no lookaround), plus a
// predicate with the length limits a pattern does not carry. The values schema
// (generator/model/patterns.ts, k8s-schemas.ts) and the validator (tests/validator/) both use them.

const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const nameBody = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const positiveNumber = '(0\\.[0-9]*[1-9][0-9]*|[1-9][0-9]*(\\.[0-9]+)?)';

/** RFC 1123 label (63 characters at most): most object names, container, volume and port names. */
export const dnsLabel = `^${label}$`;
/** RFC 1035 label (63 characters at most): what a Service name must be (a letter first). */
export const dns1035Label = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
/** RFC 1123 subdomain (253 characters at most): Secret, ConfigMap and claim names, DNS names. */
export const dnsSubdomain = `^${label}(\\.${label})*$`;
/** A label value: empty, or 63 characters at most, alphanumeric at both ends. */
export const labelValue = `^(${nameBody})?$`;
/** A label or annotation key: an optional DNS-subdomain prefix and "/", then a name of 63 characters at most. */
export const qualifiedName = `^(${label}(\\.${label})*/)?${nameBody}$`;
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
export const ipAddress = `^(${ipv4Body}|${ipv6Body})$`;
/** An IPv4 or IPv6 CIDR block ("fd00:10:96::/112"): what loadBalancerSourceRanges accepts. */
export const ipCidr = `^(${ipv4CidrBody}|${ipv6CidrBody})$`;
/** A resource quantity as the API server parses it: signed, decimal or binary suffix, or exponent. */
export const quantity = '^([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?$';
/** A strictly positive quantity with an optional binary or decimal suffix: a size ("2Gi", "500M"). */
export const positiveQuantity = `^${positiveNumber}(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$`;
/** A strictly positive CPU or memory quantity: a size, or millicores ("500m"). */
export const positiveResourceQuantity = `^${positiveNumber}(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$`;
/** An environment variable name before Kubernetes 1.32 (a C identifier, plus "-" and "."). */
export const envVarName = '^[-._a-zA-Z][-._a-zA-Z0-9]*$';
/** An environment variable name from 1.32 (RelaxedEnvironmentVariableValidation): printable ASCII but "=". */
export const relaxedEnvVarName = '^[\\x20-\\x3c\\x3e-\\x7e]+$';
/** A Secret or ConfigMap data key (253 characters at most). */
export const configMapKey = '^[-._a-zA-Z0-9]+$';
const tagBody = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
/** An OCI image tag. */
export const imageTag = `^${tagBody}$`;
/** An image repository as the chart accepts it: optional registry host, lowercase path components. */
export const imageRepository = '^([a-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$';
const component = '[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*';
const host = '[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?';
/** A full image reference (distribution's grammar): [registry/]repository[:tag][@sha256:digest]. */
export const imageReference = `^(${host}(\\.${host})*(:[0-9]+)?/)?${component}(/${component})*(:${tagBody})?(@sha256:[0-9a-f]{64})?$`;
/** An IANA service name, what a named container port must be (with a letter, no "--", 15 characters at most). */
export const portName = '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$';

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
