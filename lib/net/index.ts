export {
  Channel,
  Flow,
  Link,
  type ChannelOptions,
  type LinkOptions,
  type SendOptions,
  type FlowState,
  MSS_BYTES,
  WIRE_BYTES_PER_SEGMENT,
  DEFAULT_EFFICIENCY,
  LOSSY_MAX_BYTES,
  isLossyMessage,
} from './channel.js';
export { Network, CLIENT_NIC_LATENCY_MS, type NetworkOptions, type NetworkStats, type NumericParams, type ClientEndpoint } from './network.js';
export { Timeline, TIMELINE_MAX_PER_KIND, type TimelineRecord, type TimelineDetail } from './timeline.js';
export { RequestLog, type FinishedRequest, type RequestRow } from './request-log.js';
export {
  TcpClient,
  TcpRequest,
  TcpServer,
  RtoEstimator,
  isTcpRequest,
  linuxRetransmitTimeoutNs,
  TCP_RTO_MIN_NS,
  TCP_RTO_MAX_NS,
  TCP_RETRIES2,
  TCP_CONNECTION_TIMEOUT_NS,
  type TcpClientOptions,
  type TcpRequestPayload,
  type TcpReplyPayload,
  type TcpRequestStatus,
  type IncomingRequest,
  type TcpServerSnapshot,
} from './tcp.js';
export { DatagramClient, GapMeter, type DatagramClientOptions } from './datagram.js';
export { ClosedLoopClients, OpenLoopClients, type RequestSpec, type PopulationOptions, type ClosedLoopOptions, type OpenLoopOptions } from './clients.js';
