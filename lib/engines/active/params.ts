import { numberParam, type ParamSpec } from '../../params/index.js';

/** Keys of the `active` engine. */
export const ACTIVE_PARAMS: readonly ParamSpec[] = [
  numberParam('active.f', 1, 'faults tolerated: 2f + 1 hosts, each with a replica manager and one always-running replica; f + 1 identical replies (a majority) answer a client', {
    min: 1,
    max: 10,
    integer: true,
  }),
];
