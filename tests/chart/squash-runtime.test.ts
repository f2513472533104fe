// What Squash TM needs to start right whatever its start script does: both database variable
// families, a heap that fits the memory limit, and the JWT and crypto secrets from a Secret.
import { parseQuantity } from '../validator/quantity';
import { scenarios, withFakePassword } from './scenarios';
import { generatedSecretKeys } from '../support/secret-generator';
import { databaseDisagreements, heapProblems, maxHeapMiB, parseJdbcUrl, secretProblems } from './squash-container';
import { PartialValues, render, renderOk } from '../support/helm';
import { envValue, mainContainer, maybeOne, ofKind, one } from '../support/objects';

const squashOf = async (values?: PartialValues) => mainContainer(one(await renderOk({ values }), 'Deployment', 'squash'));
type Container = Awaited<ReturnType<typeof squashOf>>;
const withEnv = (c: Container, name: string, entry: object): Container => ({
  ...c,
  env: (c.env ?? []).map((e) => (e.name === name ? { name, ...entry } : e)),
});

describe('database settings in both forms', () => {
  const modes: [string, PartialValues, string, string][] = [
    ['the in-chart PostgreSQL', {}, 'squash-squash-tm-postgresql', '5432'],
    ['the in-chart PostgreSQL through the alias', { databaseAlias: { enabled: true } }, 'squash-squash-tm-db', '5432'],
    [
      'an external database',
      { postgresql: { enabled: false }, externalDatabase: { host: 'pg.shared.svc.cluster.local', port: 6432 }, auth: { existingSecret: 'shared-pg', database: 'tm' } },
      'pg.shared.svc.cluster.local',
      '6432',
    ],
    [
      'an external database through the alias',
      { postgresql: { enabled: false }, externalDatabase: { host: 'pg.shared.svc.cluster.local' }, databaseAlias: { enabled: true, name: 'tm-db' }, auth: { existingSecret: 'shared-pg' } },
      'tm-db',
      '5432',
    ],
  ];

  it.each(modes)('agree with %s, and point at it', async (_mode, values, host, port) => {
    const container = await squashOf(values);
    expect(databaseDisagreements(container)).toEqual([]);
    expect({ host: envValue(container, 'SQTM_DB_HOST'), port: envValue(container, 'SQTM_DB_PORT') }).toEqual({ host, port });
    expect(envValue(container, 'SQTM_DB_NAME')).toBe(values.auth?.database ?? 'squashtm');
  });

  it.each(scenarios().map((s) => [s.name, s.options] as const))('agree in the scenario %s', async (_name, options) => {
    expect(databaseDisagreements(mainContainer(one(await renderOk(options), 'Deployment', 'squash')))).toEqual([]);
  });

  it('the checker sees a host, a port, a database or a Secret key that differ, and a missing family', async () => {
    const good = await squashOf();
    expect(databaseDisagreements(withEnv(good, 'SQTM_DB_HOST', { value: 'elsewhere' }))).toEqual([
      'host: SPRING_DATASOURCE_URL says "squash-squash-tm-postgresql", SQTM_DB_* says "elsewhere"',
    ]);
    expect(databaseDisagreements(withEnv(good, 'SQTM_DB_PORT', { value: '5433' }))).toHaveLength(1);
    expect(databaseDisagreements(withEnv(good, 'SPRING_DATASOURCE_URL', { value: 'jdbc:postgresql://squash-squash-tm-postgresql:5432/other' }))).toHaveLength(1);
    expect(databaseDisagreements(withEnv(good, 'SQTM_DB_PASSWORD', { valueFrom: { secretKeyRef: { name: 'x', key: 'password' } } }))).toHaveLength(1);
    expect(databaseDisagreements({ ...good, env: good.env?.filter((e) => !e.name.startsWith('SQTM_')) }).length).toBeGreaterThanOrEqual(4);
  });

  it('parses JDBC URLs', () => {
    expect(parseJdbcUrl('jdbc:postgresql://db:5432/squashtm')).toEqual({ host: 'db', port: '5432', database: 'squashtm' });
    expect(parseJdbcUrl('jdbc:mysql://db:3306/squashtm')).toBeUndefined();
  });
});

describe('the heap', () => {
  it.each(scenarios().map((s) => [s.name, s.options] as const))('fits the memory limit in the scenario %s (40 %% <= Xmx <= limit - 384 MiB)', async (_name, options) => {
    expect(heapProblems(mainContainer(one(await renderOk(options), 'Deployment', 'squash')))).toEqual([]);
  });

  // Expected heaps computed here from the quantity's value: 65 % of the limit in whole MiB, rounded down.
  const expectedHeap = (memory: string | number) => Math.floor((Math.floor((parseQuantity(memory) ?? 0) / 2 ** 20) * 65) / 100);
  it.each<string | number>(['3Gi', '2560Mi', '2.5Gi', '3G', '2800M', '3000000k', '3145728Ki', '0.003Ti', '3221225472', 3e9])(
    'parses the limit %j',
    async (memory) => {
      const container = await squashOf({ squash: { resources: { limits: { memory: memory as string } } } });
      expect(maxHeapMiB(envValue(container, 'SQUASH_JAVA_ARGS'))).toBe(expectedHeap(memory));
      expect(heapProblems(container)).toEqual([]);
    },
  );

  it('passes the initial heap, heap, metaspace and code cache in SQUASH_JAVA_ARGS and _JAVA_OPTIONS, with squash.jvm.options after them', async () => {
    const container = await squashOf({ squash: { jvm: { maxMetaspaceSize: 320, reservedCodeCacheSize: 96, options: '-Duser.language=fr' } } });
    const expected = `-Xms128m -Xmx${expectedHeap('3Gi')}m -XX:MaxMetaspaceSize=320m -XX:ReservedCodeCacheSize=96m -Duser.language=fr`;
    expect([envValue(container, 'SQUASH_JAVA_ARGS'), envValue(container, '_JAVA_OPTIONS')]).toEqual([expected, expected]);
    expect(envValue(container, 'JAVA_TOOL_OPTIONS')).toBeUndefined();
  });

  it('keeps -Xms at or below a heap smaller than 128 MiB', async () => {
    expect(envValue(await squashOf({ squash: { jvm: { heap: '100m' } } }), 'SQUASH_JAVA_ARGS')).toMatch(/^-Xms100m -Xmx100m /);
  });

  it('takes an explicit squash.jvm.heap over the percentage', async () => {
    expect(maxHeapMiB(envValue(await squashOf({ squash: { jvm: { heap: '1536m' } } }), 'SQUASH_JAVA_ARGS'))).toBe(1536);
    expect(maxHeapMiB(envValue(await squashOf({ squash: { jvm: { heap: '2g' } } }), 'SQUASH_JAVA_ARGS'))).toBe(2048);
  });

  // Searched, not solved: the first limit (MiB) whose 65 % heap plus 256 + 128 + 128 + 128 MiB fits.
  const smallestLimit = () => {
    let limit = 640;
    while (Math.floor((limit * 65) / 100) + 640 > limit) limit += 1;
    return limit;
  };

  it('refuses squash.resources.limits.memory=600Mi, naming the key, the heap and the smallest limit that works', async () => {
    const rendering = await render({ values: { squash: { resources: { limits: { memory: '600Mi' } } } } });
    expect(rendering.ok).toBe(false);
    const error = rendering.ok ? '' : rendering.error;
    expect(error).toContain('squash.resources.limits.memory 600Mi');
    expect(error).toContain(`-Xmx${Math.floor(600 * 0.65)}m`);
    expect(error).toContain(`at least ${smallestLimit()}Mi`);
  });

  it('accepts exactly that smallest limit, and refuses one MiB less', async () => {
    const smallest = smallestLimit();
    expect(heapProblems(await squashOf({ squash: { resources: { limits: { memory: `${smallest}Mi` } } } }))).toEqual([]);
    expect((await render({ values: { squash: { resources: { limits: { memory: `${smallest - 1}Mi` } } } } })).ok).toBe(false);
  });

  it('the checker sees a heap too large or too small for the limit, and two -Xmx that differ', async () => {
    const good = await squashOf();
    expect(heapProblems(withEnv(good, 'SQUASH_JAVA_ARGS', { value: '-Xmx2800m' }))).toContain('-Xmx 2800 MiB leaves less than 384 MiB of the 3072 MiB limit');
    expect(heapProblems(withEnv(good, 'SQUASH_JAVA_ARGS', { value: '-Xmx1g' }))).toContain('-Xmx 1024 MiB is below 40 % of the 3072 MiB limit');
    expect(heapProblems(withEnv(good, '_JAVA_OPTIONS', { value: '-Xms128m -Xmx2g' }))).toEqual(['_JAVA_OPTIONS carries other heap flags than SQUASH_JAVA_ARGS']);
    expect(heapProblems(withEnv(good, 'SQUASH_JAVA_ARGS', { value: '-Xmx1996m' }))).toContain('SQUASH_JAVA_ARGS carries no -Xms');
    expect(heapProblems(withEnv(good, 'SQUASH_JAVA_ARGS', { value: '-Xms2g -Xmx1996m' }))).toContain('-Xms 2048 MiB is above -Xmx 1996 MiB: the JVM refuses to start');
    expect(heapProblems({ ...good, resources: {} })).toEqual(['no memory limit']);
    expect(maxHeapMiB('-Xmx2048m -Xmx1g')).toBe(1024);
  });
});

describe('the JWT and crypto secrets', () => {
  it.each(scenarios().map((s) => [s.name, s.options] as const))('come from a Secret in the scenario %s', async (_name, options) => {
    expect(secretProblems(mainContainer(one(await renderOk(options), 'Deployment', 'squash')))).toEqual([]);
  });

  // What the generated values look like: tests/chart/secret-generator.test.ts runs the Job that makes them.
  it('are read from the Secret the secret-generator Job creates, under the default key names', async () => {
    const objects = await renderOk();
    const container = mainContainer(one(objects, 'Deployment', 'squash'));
    const refs = ['SQUASH_REST_API_JWT_SECRET', 'SQUASH_CRYPTO_SECRET'].map((n) => container.env?.find((e) => e.name === n)?.valueFrom?.secretKeyRef);
    expect(refs).toEqual([{ name: 'squash-squash-tm-app-secrets', key: 'jwt-secret' }, { name: 'squash-squash-tm-app-secrets', key: 'crypto-secret' }]);
    expect(generatedSecretKeys(objects)['squash-squash-tm-app-secrets']).toEqual(['jwt-secret', 'crypto-secret']);
    expect(maybeOne(objects, 'Secret', 'squash')).toBeUndefined();
  });

  it('come from squash.secrets.existingSecret with its key names, and the chart renders no application Secret', async () => {
    const objects = await renderOk({ values: { squash: { secrets: { existingSecret: 'squash-app', secretKeys: { jwt: 'jwt', crypto: 'enc' } } } } });
    const container = mainContainer(one(objects, 'Deployment', 'squash'));
    expect(maybeOne(objects, 'Secret', 'squash')).toBeUndefined();
    expect(container.env?.find((e) => e.name === 'SQUASH_CRYPTO_SECRET')?.valueFrom?.secretKeyRef).toEqual({ name: 'squash-app', key: 'enc' });
    expect(container.env?.find((e) => e.name === 'SQUASH_REST_API_JWT_SECRET')?.valueFrom?.secretKeyRef).toEqual({ name: 'squash-app', key: 'jwt' });
  });

  it('when given explicitly, are kept across uninstall as long as the data is: not with an emptyDir database, always with an external one', async () => {
    const policy = async (values: PartialValues) =>
      one(await renderOk(withFakePassword({ values })), 'Secret', 'squash').metadata?.annotations?.['helm.sh/resource-policy'];
    expect(await policy({ postgresql: { persistence: { enabled: false } } })).toBeUndefined();
    expect(await policy({ postgresql: { persistence: { keep: false } } })).toBeUndefined();
    expect(await policy({ postgresql: { enabled: false }, externalDatabase: { host: 'pg.example.com' }, auth: { existingSecret: 'pg' } })).toBe('keep');
  });

  it('the checker sees a literal value', async () => {
    const good = await squashOf();
    expect(secretProblems(withEnv(good, 'SQUASH_CRYPTO_SECRET', { value: 'literal' }))).toEqual(['SQUASH_CRYPTO_SECRET does not come from a Secret key']);
    expect(secretProblems({ ...good, env: [] })).toHaveLength(2);
  });

  it('two Secrets in one rendering when every value is explicit: the chart\'s database credentials and its application secrets', async () => {
    expect(ofKind(await renderOk(withFakePassword({})), 'Secret').map((s) => s.metadata?.name).sort()).toEqual(['squash-squash-tm-app-secrets', 'squash-squash-tm-credentials']);
  });
});
