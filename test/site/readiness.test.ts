import { createReadiness } from '../../src/site/readiness.js';

describe('readiness', () => {
  test('probes Cosmos once per 5 s however many probes come, and tells unavailable from failed', async () => {
    let time = 1_000_000;
    let probes = 0;
    let outcome: () => Promise<unknown> = async () => undefined;
    const ready = createReadiness({ now: () => time, probeCosmos: () => (probes++, outcome()) });

    const [a, b] = await Promise.all([ready(), ready()]);
    expect(a).toBe(b);
    expect(a).toMatchObject({ ready: true, checks: { configuration: 'ok', cosmos: 'ok' } });
    expect(probes).toBe(1);

    outcome = async () => Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
    time += 4_999;
    expect((await ready()).ready).toBe(true); // still the cached report
    expect(probes).toBe(1);
    time += 1;
    expect(await ready()).toMatchObject({ ready: false, checks: { cosmos: 'unavailable' } });
    expect(probes).toBe(2);

    outcome = async () => Promise.reject(Object.assign(new Error('forbidden'), { code: 403 }));
    time += 5_000;
    expect(await ready()).toMatchObject({ ready: false, checks: { cosmos: 'failed' } });
  });
});
