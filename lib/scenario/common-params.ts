import { booleanParam, numberParam, type ParamSpec } from '../params/index.js';
import { FAULT_PARAMS } from '../faults/index.js';
import { HOST_PARAMS } from '../engines/host-profiles.js';
import { NET_PAGES_PER_KIB, SOCKET_BUFFER_KIB } from '../vm/index.js';
import { TWIN_PARAM } from './twin.js';

/**
 * Keys every run has (docs/design.md#parameter-keys). Defaults that a workload preset overrides (VM size, run length,
 * whether domain 0 shares the guest's CPU) say so in their description.
 */
export const COMMON_PARAMS: readonly ParamSpec[] = [
  numberParam('vm.memoryMiB', 512, 'guest memory in MiB (default set by the workload preset)', { min: 1, max: 1 << 20, integer: true }),
  numberParam('vm.pageKiB', 4, 'page size in KiB (x86: 4)', { min: 1, max: 2048, integer: true }),
  numberParam('vm.diskMiB', 1024, 'guest disk in MiB', { min: 1, max: 1 << 24, integer: true }),
  numberParam('vm.netBufferMiB', 8, 'guest kernel memory that network traffic dirties (receive ring, socket buffers, served bytes), at the top of guest memory, MiB (estimate; set by the preset)', { min: 0 }),
  numberParam('vm.netSocketBufferKiB', SOCKET_BUFFER_KIB, 'socket send buffer of one connection, KiB (Linux tcp_wmem default: 16 KiB)', { positive: true }),
  numberParam('vm.netPagesPerKiB', NET_PAGES_PER_KIB, 'pages the guest writes per KiB it sends through its own memory (fitted to C10: SPECweb’s achieved checkpoint rates)', { min: 0 }),
  numberParam('vm.netCopiedShare', 1, 'share of the bytes sent that the guest copies through its memory (0: sendfile of cached files; set by the preset)', { min: 0, max: 1 }),
  numberParam('run.durationS', 60, 'simulated run length in s; an upper bound for fixed-work workloads (default set by the preset)', { positive: true, max: 86400 }),
  numberParam('run.sampleMs', 1000, 'window of the dirty-page series (series.dirty): distinct pages written per window', { positive: true }),
  TWIN_PARAM,
  booleanParam('host.sharedCpu', true, 'domain 0 shares the guest’s core (the Remus testbed, C9: one hyperthreaded core); false gives it a core of its own'),
  ...HOST_PARAMS,
  numberParam('net.clientBandwidthMbps', 1000, 'client-facing NIC of each host, Mbit/s (Clark and Remus testbeds: gigabit Ethernet)', { positive: true }),
  numberParam('net.clientLatencyMs', 0, 'extra one-way delay on the server’s outbound path to its clients (netem, C5)', { min: 0 }),
  numberParam('link.bandwidthMbps', 1000, 'host-to-host link, Mbit/s (Remus: a dedicated gigabit replication NIC)', { positive: true }),
  numberParam('link.latencyMs', 0.1, 'host-to-host one-way latency, ms (a LAN)', { min: 0 }),
  numberParam('link.lossRate', 0, 'host-to-host message loss probability', { min: 0, max: 0.99 }),
  numberParam('link.efficiency', 0.94, 'payload goodput ÷ line rate: TCP over Ethernet carries 1448 of every 1538 bytes', { positive: true, max: 1 }),
  ...FAULT_PARAMS,
];
