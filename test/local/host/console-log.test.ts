import { consoleLog } from '../../../src/local/host/index.js';

test('the local host prints each line with its time and level', () => {
  const lines: string[] = [];
  const original = console.log;
  console.log = (line: string) => void lines.push(line);
  try {
    (consoleLog as (level: string, message: string, now?: Date) => void)('information', 'Executing x', new Date(0));
    consoleLog('debug', 'not shown');
  } finally {
    console.log = original;
  }
  expect(lines).toEqual(['[1970-01-01T00:00:00.000Z] [information] Executing x']);
});
