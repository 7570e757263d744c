export { DirtyLog } from './dirty-log.js';
export { PageMemory, DEFAULT_PAGE_BYTES, type MemoryOptions } from './memory.js';
export { Disk, DEFAULT_BLOCK_BYTES, type DiskWrite, type DiskWriteListener } from './disk.js';
export { Nic, NIC_RX_RING_SLOTS, type Packet, type EgressHook } from './nic.js';
export { HostCpu, type CpuClaim } from './host-cpu.js';
export { Host } from './host.js';
export { VCpu, type GuestProgram, type VCpuOptions } from './vcpu.js';
export { VM, type VmStatus, type CpuState, type VmOptions } from './vm.js';
export { LOG_DIRTY_TRAP_NS, IDLE_GUEST_DEMAND_CORES } from './cost-model.js';
