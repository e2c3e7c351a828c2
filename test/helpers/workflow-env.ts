// The time-skipping test server from the project venv (never the SDK's download, which fails here),
// with our custom search attributes registered as `npm start` registers them on the dev server.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto'; // CommonJS: no named exports under Node's ESM loader
import { SEARCH_ATTRIBUTES, findTemporalBinary } from '../../temporal.config.js';

const INDEXED = proto.temporal.api.enums.v1.IndexedValueType;
const TYPES: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
  Keyword: INDEXED.INDEXED_VALUE_TYPE_KEYWORD,
  KeywordList: INDEXED.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  Bool: INDEXED.INDEXED_VALUE_TYPE_BOOL,
};

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: findTemporalBinary('temporal-test-server') } });
  const searchAttributes = Object.fromEntries(Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [name, TYPES[type]!]));
  await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes });
  return env;
}
