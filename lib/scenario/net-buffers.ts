import { InputError, type Params } from '../params/index.js';
import type { NetBufferOptions } from '../vm/index.js';

/**
 * The network-buffer region of a network workload's guest, from its `vm.net*` keys: the top
 * `vm.netBufferMiB` of guest memory (presets keep their own data below it). `undefined` when the
 * region is 0 MiB (traffic then dirties nothing).
 */
export function netBufferOptions(params: Params, memoryPages: number): NetBufferOptions | undefined {
  const pageKiB = params.num('vm.pageKiB');
  const pages = Math.round((params.num('vm.netBufferMiB') * 1024) / pageKiB);
  if (pages <= 0) return undefined;
  if (pages * 2 > memoryPages)
    throw new InputError('vm.netBufferMiB', `${params.num('vm.netBufferMiB')} MiB of network buffers leaves too little of vm.memoryMiB = ${params.num('vm.memoryMiB')}`, `≤ half of vm.memoryMiB`);
  return {
    firstPage: memoryPages - pages,
    pages,
    socketBufferPages: Math.max(1, Math.ceil(params.num('vm.netSocketBufferKiB') / pageKiB)),
    pagesPerKiB: params.num('vm.netPagesPerKiB'),
    copiedShare: params.num('vm.netCopiedShare'),
  };
}
