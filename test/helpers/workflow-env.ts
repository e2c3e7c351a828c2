// The time-skipping test server from the project venv (never the SDK's download, which fails here).
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTemporalBinary } from '../../temporal.config.js';

export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: findTemporalBinary('temporal-test-server') } });
}
