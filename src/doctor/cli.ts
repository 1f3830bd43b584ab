// `npm run doctor`: checks the configuration (the environment over local.settings.json's Values) against
// the real services. `npm run doctor -- --local`: checks the running `npm start` stack. Exit 0 only when
// every check passes.
import { formatReport, passed, runDoctor } from './index.js';
import { readFuncSettings, readLocalStackSettings } from './local-settings.js';

try {
  const settings = process.argv.includes('--local') ? readLocalStackSettings() : { ...readFuncSettings(), ...process.env };
  // @azure/identity reads IDENTITY_ENDPOINT and friends from process.env itself.
  Object.assign(process.env, settings);
  const results = await runDoctor(process.env);
  console.log(formatReport(results));
  process.exitCode = passed(results) ? 0 : 1;
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
