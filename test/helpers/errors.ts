import { RenderError } from '../../render/types.ts';

/** The RenderError `f` throws; fails the test when it throws nothing or something else. */
export function renderError(f: () => unknown): RenderError {
  try {
    f();
  } catch (e) {
    if (e instanceof RenderError) return e;
    throw e;
  }
  throw new Error('expected a RenderError, nothing was thrown');
}
