import { describe, expect, it } from 'vitest';
import { InputError, booleanParam, enumParam, numberParam, resolveParams } from '../../lib/params/index.js';

const specs = [
  numberParam('vm.memoryMiB', 512, 'memory', { min: 1, integer: true }),
  numberParam('link.bandwidthMbps', 1000, 'bw', { positive: true }),
  numberParam('faults.primaryCrashAtS', undefined, 'crash', { min: 0 }),
  booleanParam('host.sharedCpu', true, 'shared'),
  enumParam('migration.policy', ['xen-classic', 'qemu'], 'xen-classic', 'policy'),
];

describe('resolveParams(specs, input, defaults)', () => {
  it('fills defaults, lets presets override them, and leaves unset optional keys out', () => {
    const p = resolveParams(specs, { 'link.bandwidthMbps': '100' }, { 'vm.memoryMiB': 64 });
    expect(p.toJSON()).toEqual({ 'host.sharedCpu': true, 'link.bandwidthMbps': 100, 'migration.policy': 'xen-classic', 'vm.memoryMiB': 64 });
    expect(p.has('faults.primaryCrashAtS')).toBe(false);
  });

  it('parses strings from --set into numbers and booleans', () => {
    const p = resolveParams(specs, { 'host.sharedCpu': 'false', 'vm.memoryMiB': '2048' });
    expect(p.bool('host.sharedCpu')).toBe(false);
    expect(p.num('vm.memoryMiB')).toBe(2048);
  });

  const bad: Array<[Record<string, string | number>, RegExp]> = [
    [{ 'vm.memoryMiB': 'abc' }, /vm\.memoryMiB: "abc" is not a number \(a plain decimal literal such as 5, -0\.25 or 1e6\) \(allowed: an integer ≥ 1\)/],
    [{ 'vm.memoryMiB': 1.5 }, /vm\.memoryMiB: 1\.5 is not an integer/],
    [{ 'vm.memoryMiB': 0 }, /vm\.memoryMiB: 0 is out of range/],
    [{ 'link.bandwidthMbps': 0 }, /link\.bandwidthMbps: 0 is out of range \(allowed: a number > 0\)/],
    [{ 'host.sharedCpu': 'yes' }, /host\.sharedCpu: "yes" is not a boolean \(allowed: true or false\)/],
    [{ 'migration.policy': 'vmware' }, /migration\.policy: unknown value "vmware" \(allowed: xen-classic \| qemu\)/],
    [{ 'migration.polcy': 'qemu' }, /migration\.polcy: unknown parameter .*allowed: migration\.policy/],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)} naming the field and what is allowed`, () => {
      expect(() => resolveParams(specs, input)).toThrow(InputError);
      expect(() => resolveParams(specs, input)).toThrow(message);
    });
  }
});
