import type { Host } from '../../vm/index.js';

/**
 * How Remus carries replication traffic: ordered byte streams (TCP connections) from a primary to
 * its backup, and small control messages (acknowledgements) back. Two transports: flows on lib/net's
 * host-to-host link (`NetTransport`, one primary) and a fluid model of one shared link
 * (`FluidTransport`, several primaries).
 *
 * A `ReplicationStream` is one primary's stream to its backup.
 */
export interface ReplicationStream {
  readonly name: string;
  /** Append `bytes` to the stream; returns the stream offset at its end. */
  enqueue(bytes: number): number;
  /** `cb` once every byte up to `offset` has reached the receiver. */
  whenDelivered(offset: number, cb: () => void): void;
  /** Bytes enqueued and not yet sent. */
  readonly backlog: number;
  /** Bytes delivered so far (payload). */
  readonly delivered: number;
}

/** What carries the streams and the acknowledgements between primaries and their backup. */
export interface ReplicationTransport {
  /** Open the stream `name` from `sender` to `receiver`; `cpu` is domain 0's cost per byte at each end. */
  stream(name: string, sender: Host, receiver: Host, cpu: { sendNsPerByte: number; recvNsPerByte: number }): ReplicationStream;
  /** A small control message: arrives after the link latency if the link is up and both ends live. */
  message(from: Host, to: Host, cb: () => void): void;
  /**
   * When `receiver` last heard from `sender`: a control message from it, or stream bytes moving
   * between the two in either direction (TCP acknowledges what arrives).
   */
  lastHeardNs(sender: Host, receiver: Host): number;
  /** Partition or heal the link. */
  setUp(up: boolean): void;
  /** A host crashed: its streams stop, what it had not sent is gone. */
  hostDown(host: Host): void;
}
