export { InputError, isInputError } from './input-error.js';
export {
  type ParamValue,
  type ParamSpec,
  numberParam,
  booleanParam,
  enumParam,
  stringParam,
  describeAllowed,
} from './spec.js';
export { Params, type ParamInput, coerceParam, resolveParams } from './params.js';
