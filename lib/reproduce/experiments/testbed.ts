import type { ConfigurationExperiment } from '../types.js';

/**
 * C9, the Remus testbed: a configuration, not a measurement. The report shows the parameters the
 * Remus experiments resolve to (domain 0 sharing the guest's core, gigabit client and replication
 * links) beside the published machine.
 */
export const testbed: ConfigurationExperiment = {
  kind: 'configuration',
  id: 'testbed',
  title: 'The testbed',
  paperFigure: 'Remus, evaluation setup',
  calibration: 'C9',
  setup: 'host CPU and links of the Remus experiments (resolved defaults)',
  published: '3.2 GHz Pentium 4 (one core, hyperthreaded, shared with domain 0), 1 GB RAM, three gigabit NICs (clients, admin, replication)',
  resolveWith: [
    ['remus', 'kernel-compile'],
    ['remus', 'synthetic'],
    ['unprotected', 'synthetic'],
  ],
  expect: { 'host.sharedCpu': true, 'net.clientBandwidthMbps': 1000, 'link.bandwidthMbps': 1000 },
};
