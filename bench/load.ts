import autocannon from 'autocannon';
import { RunningIngest } from './ingest-run';

export interface LoadResult {
  url: string;
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts and non-2xx answers together. */
  errors: number;
  requests: number;
}

/** `connections` keep-alive connections sending GETs back to back for `seconds` (autocannon). */
export async function load(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({ url, headers, connections, duration: seconds });
  return {
    url,
    connections,
    seconds,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

/** The same, while an ingest runs; says whether the ingest was still running when the load ended. */
export async function loadDuring(ingest: RunningIngest, url: string, headers: Record<string, string>, connections: number, seconds: number) {
  const statusAtStart = ingest.status;
  const result = await load(url, headers, connections, seconds);
  return { ...result, ingestStatusAtStart: statusAtStart, ingestStatusAtEnd: ingest.status, ingestRanThroughout: ingest.status !== 'done' };
}
