import { isInputError } from '../../lib/params/index.js';

/**
 * The field a bad-input error names when `fn` is called (what `vmft` reports with exit code 2), or
 * null when `fn` accepts its input. Any other error is rethrown: it would be exit 1.
 */
export function inputErrorField(fn: () => unknown): string | null {
  try {
    fn();
  } catch (e) {
    if (isInputError(e)) return e.field;
    throw e;
  }
  return null;
}
