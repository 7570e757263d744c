export { DirtyLog } from './dirty-log.js';
export { PageMemory } from './memory.js';
export { Disk, type DiskWrite } from './disk.js';
export { Nic, NIC_RX_RING_SLOTS, type Packet } from './nic.js';
export { HostCpu, type CpuClaim } from './host-cpu.js';
export { Host } from './host.js';
export { VCpu, type GuestProgram } from './vcpu.js';
export { VM, type CpuState } from './vm.js';
export { LOG_DIRTY_TRAP_NS } from './cost-model.js';
