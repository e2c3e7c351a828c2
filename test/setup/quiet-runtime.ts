// Per test process: the Temporal runtime logs only warnings (worker state changes are noise here).
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process by an earlier file
}
