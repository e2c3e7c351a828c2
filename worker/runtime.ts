// The Temporal SDK Runtime of a worker process: its log level and, on WORKER_METRICS_ADDRESS, its
// Prometheus exporter (workflow and activity task latencies, slots, sticky cache). A taken port
// costs the metrics, not the worker: it warns and runs on.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { TemporalConfig } from '../temporal.config.js';

/** Installs the Runtime; returns the exporter's URL, or undefined when metrics are off or could not bind. */
export function installRuntime(config: TemporalConfig, level: LogLevel): string | undefined {
  const logger = new DefaultLogger(level);
  const address = config.workerMetricsAddress;
  if (address) {
    try {
      Runtime.install({ logger, telemetryOptions: { metrics: { prometheus: { bindAddress: address } } } });
      return `http://${address}/metrics`;
    } catch (err) {
      console.warn(
        `warning: the worker's metrics are not exported: ${(err as Error).message} (WORKER_METRICS_ADDRESS=${address}; set another host:port, or off)`,
      );
    }
  }
  Runtime.install({ logger });
  return undefined;
}
