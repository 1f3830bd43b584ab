import { onceSucceeded } from '../../src/lib/once.js';

describe('onceSucceeded: made once, unless making it failed', () => {
  test('concurrent and later calls share the first result; a failure is forgotten and the next call makes it again', async () => {
    let made = 0;
    const failing = onceSucceeded(async () => {
      made++;
      if (made === 1) throw new Error('not reachable yet');
      return { made };
    });
    await expect(failing()).rejects.toThrow('not reachable yet');
    const [a, b] = await Promise.all([failing(), failing()]);
    expect(a).toBe(b);
    expect(await failing()).toBe(a);
    expect(made).toBe(2);
  });
});
