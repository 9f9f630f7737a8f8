// Every environment the repository renders. Adding one = a new file here and one line below.
// Each value is checked against environments/schema/environment.ts as it loads: type stripping
// runs these files without tsc, so a misspelt key must fail here, naming the file and the field.
import type { Environment } from './types.ts';
import { checkData } from './schema/check.ts';
import { environmentSchema } from './schema/environment.ts';
import { dev } from './dev.ts';
import { prod } from './prod.ts';
import { e2e } from './e2e.ts';
import { preview } from './preview.ts';
import { previewSchema } from './schema/preview.ts';

const checked = (file: string, env: Environment): Environment => {
  checkData(environmentSchema, env, file);
  return env;
};

checkData(previewSchema, preview, 'environments/preview.ts');

export const environments: readonly Environment[] = [checked('environments/dev.ts', dev), checked('environments/prod.ts', prod), checked('environments/e2e.ts', e2e)];
