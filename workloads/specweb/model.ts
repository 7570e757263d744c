/**
 * The SPECweb2005 E-commerce model: QoS thresholds, the page mix, and how many request/response
 * round trips a page costs a client. Sources per constant; "estimate" marks values not published.
 */

/**
 * QoS thresholds of the E-commerce workload (SPECweb2005 Run and Reporting Rules, §2.2.2
 * "Benchmark parameters", https://www.spec.org/web2005/docs/runrules.html): a page is *good* when
 * it completes within TIME_GOOD = 3 s and *tolerable* within TIME_TOLERABLE = 5 s; a run is
 * compliant when ≥ 95 % of pages are good and ≥ 99 % tolerable. (Banking uses 2 s / 4 s; Support
 * 3 s / 5 s.)
 */
export const TIME_GOOD_S = 3;
export const TIME_TOLERABLE_S = 5;
export const GOOD_MIN_FRACTION = 0.95;
export const TOLERABLE_MIN_FRACTION = 0.99;

/**
 * Mean think time between a page's completion and the session's next page (exponential).
 * SPECweb2005 draws think times from an exponential distribution with a 10 s mean (its design
 * document, "think time"); taken as stated there — an assumption to re-check against the harness.
 */
export const THINK_TIME_MEAN_S = 10;

/**
 * The SPECweb2005 client emulates a browser with two persistent (HTTP/1.1 keep-alive) connections
 * per session, without pipelining (SPECweb2005 design document, "client"): a page's embedded images
 * are fetched two at a time, each a sequential request/response round trip on its connection.
 */
export const CONNECTIONS_PER_SESSION = 2;

/**
 * TCP's initial congestion window for the dynamic page's reply, bytes: RFC 3390 (Linux 2.6 default),
 * min(4·MSS, max(2·MSS, 4380)) = 4380 bytes for a 1460-byte MSS. The first reply of a page starts on
 * a connection idle through the think time, so it restarts from this window (RFC 2861, Linux
 * `tcp_slow_start_after_idle`) and the window doubles every round trip (slow start).
 */
export const INITIAL_WINDOW_BYTES = 4380;

/** One E-commerce page type. */
export interface PageType {
  readonly name: string;
  /** Share of page requests (the steady state of the harness's Markov chain). Estimate. */
  readonly weight: number;
  /** Size of the dynamic (PHP) page's HTML, bytes. Estimate. */
  readonly htmlBytes: number;
  /** Embedded images requested (including If-Modified-Since revalidations). Estimate. */
  readonly images: number;
  /** Mean image reply, bytes. Estimate. */
  readonly imageBytes: number;
  /** SSL: the checkout pages run over HTTPS — one extra round trip for the resumed handshake. */
  readonly ssl: boolean;
}

/**
 * The E-commerce pages (names from the SPECweb2005 E-commerce design document: browse, customize,
 * purchase phases). Weights, sizes and image counts are estimates of the design document's
 * "average page size, image sizes and access frequencies" — the published tables are not
 * reproduced here; they were chosen to give ≈ 20–30 KB pages with 10–25 embedded objects.
 */
export const ECOMMERCE_PAGES: readonly PageType[] = [
  { name: 'index', weight: 0.13, htmlBytes: 16_000, images: 50, imageBytes: 3_000, ssl: false },
  { name: 'search', weight: 0.1, htmlBytes: 22_000, images: 28, imageBytes: 3_000, ssl: false },
  { name: 'browse', weight: 0.13, htmlBytes: 20_000, images: 32, imageBytes: 3_500, ssl: false },
  { name: 'browse_productline', weight: 0.13, htmlBytes: 26_000, images: 36, imageBytes: 4_000, ssl: false },
  { name: 'productdetail', weight: 0.12, htmlBytes: 24_000, images: 26, imageBytes: 6_000, ssl: false },
  { name: 'customize1', weight: 0.09, htmlBytes: 30_000, images: 22, imageBytes: 3_000, ssl: false },
  { name: 'customize2', weight: 0.07, htmlBytes: 28_000, images: 22, imageBytes: 3_000, ssl: false },
  { name: 'customize3', weight: 0.06, htmlBytes: 26_000, images: 22, imageBytes: 3_000, ssl: false },
  { name: 'cart', weight: 0.06, htmlBytes: 18_000, images: 18, imageBytes: 2_500, ssl: false },
  { name: 'login', weight: 0.04, htmlBytes: 12_000, images: 16, imageBytes: 2_500, ssl: true },
  { name: 'shipping', weight: 0.03, htmlBytes: 16_000, images: 16, imageBytes: 2_500, ssl: true },
  { name: 'billing', weight: 0.02, htmlBytes: 18_000, images: 16, imageBytes: 2_500, ssl: true },
  { name: 'confirm', weight: 0.02, htmlBytes: 14_000, images: 16, imageBytes: 2_500, ssl: true },
];

/** Round trips slow start needs to deliver `bytes` from the initial window (doubling each RTT). */
export function slowStartRounds(bytes: number, initialWindow = INITIAL_WINDOW_BYTES): number {
  let sent = 0;
  let w = initialWindow;
  let r = 0;
  while (sent < bytes) {
    sent += w;
    w *= 2;
    r++;
  }
  return Math.max(1, r);
}

/** One step of a page: what the client asks and what the server sends back. */
export interface Exchange {
  /** 'html': the dynamic page (server CPU: PHP); 'more': the next slow-start window of the HTML
   *  (kernel only); 'image': a static object (server CPU: static); 'ssl': the handshake. */
  readonly kind: 'html' | 'more' | 'image' | 'ssl';
  readonly requestBytes: number;
  readonly replyBytes: number;
  /** Static objects fetched in this exchange (images). */
  readonly objects: number;
}

/** Request size of a GET with headers and cookies, bytes (typical browser requests: 300–500). */
export const REQUEST_BYTES = 400;

/**
 * The sequential round trips of one page, as the client sees them: an SSL handshake (checkout
 * pages), the dynamic page in slow-start windows, then the images two at a time over the
 * session's two connections (each pair one round trip; the pair's bytes in one reply).
 */
export function pageExchanges(page: PageType): Exchange[] {
  const out: Exchange[] = [];
  if (page.ssl) out.push({ kind: 'ssl', requestBytes: 300, replyBytes: 1_500, objects: 0 });
  let left = page.htmlBytes;
  let w = INITIAL_WINDOW_BYTES;
  let first = true;
  while (left > 0) {
    const chunk = Math.min(left, w);
    out.push({ kind: first ? 'html' : 'more', requestBytes: first ? REQUEST_BYTES : 60, replyBytes: chunk, objects: 0 });
    first = false;
    left -= chunk;
    w *= 2;
  }
  for (let i = 0; i < page.images; i += CONNECTIONS_PER_SESSION) {
    const n = Math.min(CONNECTIONS_PER_SESSION, page.images - i);
    out.push({ kind: 'image', requestBytes: n * REQUEST_BYTES, replyBytes: n * page.imageBytes, objects: n });
  }
  return out;
}

/** Cumulative weights of the page mix, for sampling. */
export function pageCdf(pages: readonly PageType[]): Float64Array {
  const total = pages.reduce((a, p) => a + p.weight, 0);
  const cdf = new Float64Array(pages.length);
  let acc = 0;
  pages.forEach((p, i) => {
    acc += p.weight / total;
    cdf[i] = acc;
  });
  cdf[pages.length - 1] = 1;
  return cdf;
}
