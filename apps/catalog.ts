// The applications an environment can select, each a plain function from typed values to components.
// An environment's `apps` field is typed from this catalog: a wrong key or value fails `tsc`.
import type { Component } from '../render/types.ts';
import type { AppContext } from './kit/context.ts';
import { djangoWeb } from './django-web/index.ts';
import { ftps } from './ftps/index.ts';
import { hello } from './hello/index.ts';
import { monitoring } from './monitoring/index.ts';
import { soundBuzz } from './sound-buzz/index.ts';
import { wordpress } from './wordpress/index.ts';

export type AppModel<Values> = (values: Values, ctx: AppContext) => Component[];

export const catalog = {
  'django-web': djangoWeb,
  ftps,
  hello,
  monitoring,
  'sound-buzz': soundBuzz,
  wordpress,
} satisfies Record<string, AppModel<never>>;

export type AppSelection = {
  [K in keyof typeof catalog]?: Parameters<(typeof catalog)[K]>[0];
};
