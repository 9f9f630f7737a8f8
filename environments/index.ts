// Every environment the repository renders. Adding one = a new file here and one line below.
import type { Environment } from './types.ts';
import { dev } from './dev.ts';
import { prod } from './prod.ts';

export const environments: readonly Environment[] = [dev, prod];
