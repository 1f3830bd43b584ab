import { compiledTestArgs } from './jest-args.js';

describe('npm test -- <source path>', () => {
  test('source files and folders become their compiled paths; options and patterns pass unchanged', () => {
    expect(compiledTestArgs(['test/config/config.test.ts'])).toEqual(['dist/test/config/config.test.js']);
    expect(compiledTestArgs(['./test/oauth', 'test/local/start.test.ts', '-t', 'banner'])).toEqual([
      'dist/test/oauth',
      'dist/test/local/start.test.js',
      '-t',
      'banner',
    ]);
    expect(compiledTestArgs(['dist/test/oauth', 'consent', '--runInBand'])).toEqual(['dist/test/oauth', 'consent', '--runInBand']);
  });
});
