import { errorMessage } from './errors.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  console.error(`error: ${errorMessage(e)}`);
  if (process.env.LEADBASE_DEBUG) console.error(e);
  process.exit(1);
}
