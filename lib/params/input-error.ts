/**
 * Bad input from a user: an unknown name, a value of the wrong type or out of range, a malformed
 * file. The CLI turns it into exit code 2; `field` names what was wrong and `allowed` what would do.
 */
export class InputError extends Error {
  readonly field: string;
  readonly allowed: string | undefined;

  constructor(field: string, problem: string, allowed?: string) {
    super(`${field}: ${problem}${allowed === undefined ? '' : ` (allowed: ${allowed})`}`);
    this.name = 'InputError';
    this.field = field;
    this.allowed = allowed;
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof Error && e.name === 'InputError';
}
