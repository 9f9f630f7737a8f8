import type { Environment } from '../../environments/types.ts';
import type { PlatformFacts } from '../../platform/facts.ts';
import type { AppAssets } from '../../render/assets.ts';

/** What an app model may know about where it runs: environment facts and what the platform provides. */
export interface AppContext {
  env: Environment;
  platform: PlatformFacts;
  /** Files the app ships beside its code (SQL migrations), loaded by the pipeline. */
  assets: AppAssets;
}
