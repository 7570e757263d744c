export {
  Channel,
  Flow,
  Link,
  DEFAULT_EFFICIENCY,
} from './channel.js';
export { Network, CLIENT_NIC_LATENCY_MS, type NetworkOptions, type ClientEndpoint } from './network.js';
export { Timeline } from './timeline.js';
export { Service, type ServiceFrontEnd } from './service.js';
export {
  TcpClient,
  TcpRequest,
  TcpServer,
  RtoEstimator,
  linuxRetransmitTimeoutNs,
  TCP_RTO_MAX_NS,
  TCP_CONNECTION_TIMEOUT_NS,
  type TcpRequestPayload,
} from './tcp.js';
export { DatagramClient, GapMeter } from './datagram.js';
export { ClosedLoopClients, OpenLoopClients } from './clients.js';
