import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { settings } from '../src/config/settings.js';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

describe('README', () => {
  test('opens with the command that runs the gateway and the one that runs the tests', () => {
    const firstBlock = readme.split('```')[1] ?? '';
    expect(firstBlock).toContain('npm ci && npm start');
    expect(firstBlock).toContain('npm test');
  });

  test('documents every setting', () => {
    const missing = Object.keys(settings).filter((name) => !readme.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });
});
