// Builds the Fastify app from explicit dependencies; listening lives in server.ts.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type { EncryptionCodec } from '../worker/payload-codec.js';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { DbHandle } from '../db/client.js';
import { installAuth } from './auth.js';
import { installMetrics } from './metrics.js';
import { installRequestLog, requestId } from './request-log.js';
import { nameServerSpans, tracedServerFactory } from './traced-server.js';
import { documentOperations } from './operations.js';
import type { ApiConfig } from './config.js';
import { frameworkErrors, installErrorHandling } from './errors.js';
import { installRateLimit } from './rate-limit.js';
import { installValidation } from './validation.js';
import { applicationActionRoutes } from './routes/application-actions.js';
import { applicationRoutes } from './routes/applications.js';
import { bundleRoutes } from './routes/bundles.js';
import { calendarRoutes } from './routes/calendar.js';
import { caseRoutes } from './routes/cases.js';
import { departmentRoutes } from './routes/departments.js';
import { evaluationRoutes } from './routes/evaluations.js';
import { guideRoutes } from './routes/guide.js';
import { codecRoutes } from './routes/codec.js';
import { consoleRoutes } from './routes/console.js';
import { devTokenRoutes } from './routes/dev-tokens.js';
import { healthRoutes } from './routes/health.js';
import { installRegions } from './regions.js';
import { regionRoutes } from './routes/regions.js';
import { certificateRoutes } from './routes/certificates.js';
import { eventRoutes } from './routes/events.js';
import { historyRoutes } from './routes/history.js';
import { reviewSheetRoutes } from './routes/review-sheet.js';
import { listingRoutes } from './routes/listing.js';
import { statsRoutes } from './routes/stats.js';

export interface AppDeps {
  temporal: Client;
  taskQueue: string;
  db: DbHandle;
  config: ApiConfig;
  /** The payload codec, served to the Temporal Web UI at /codec (operators only); its key ring seals the case files' personal values. */
  codec: EncryptionCodec;
  logger?: false | { level: string; stream?: { write(line: string): void } };
  /** Each request in a server span (tracing on: worker/tracing.ts). */
  traced?: boolean;
}

/** Personal data never reaches the logs, whatever a log line carries. */
const REDACT = ['req.headers.authorization', '*.idNumber', '*.phone', '*.name', '*.address', 'applicant', 'body.applicant'];

export type App = FastifyInstance<any, any, any, FastifyBaseLogger, TypeBoxTypeProvider>;

export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    logger: deps.logger ? { ...deps.logger, redact: REDACT } : false,
    bodyLimit: 1024 * 1024,
    // A path parameter may be as long as a token (the Web UI's codec endpoint carries one); longer is 414.
    routerOptions: { maxParamLength: 512 },
    frameworkErrors,
    genReqId: requestId,
    // X-Forwarded-* count only from a configured proxy (TRUST_PROXY); never the Host of anyone else.
    ...(deps.config.trustProxy ? { trustProxy: deps.config.trustProxy } : {}),
    ...(deps.traced ? { serverFactory: tracedServerFactory } : {}),
    // One line per request, with its context, instead of Fastify's two: api/request-log.ts.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  installRequestLog(app);
  if (deps.traced) nameServerSpans(app);
  installValidation(app);
  installErrorHandling(app);
  installRegions(app, deps.db);
  await installAuth(app, deps.config.jwtSecret, deps.config.maxTokenAgeS);
  // Before any route is added: the limiter attaches itself to each route as it is registered.
  await installRateLimit(app, deps.config.rateLimitPerMinute);
  await app.register(swagger, {
    openapi: {
      info: { title: '一件事一次办 API', version: '0.1.0', description: 'One application, several departments, one answer.' },
      // Where `npm start` listens; a generated client takes its deployment's address instead.
      servers: [{ url: `http://127.0.0.1:${deps.config.port}`, description: 'npm start' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transformObject: (document) => ('openapiObject' in document ? documentOperations(document.openapiObject) : document.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  installMetrics(app, { db: deps.db, workerMetricsUrl: deps.config.workerMetricsUrl });
  await app.register(healthRoutes(deps));
  await app.register(codecRoutes(deps.codec, deps.config.temporalUiUrl));
  const v1 = [
    bundleRoutes,
    regionRoutes,
    certificateRoutes,
    guideRoutes,
    calendarRoutes,
    applicationRoutes,
    applicationActionRoutes,
    eventRoutes,
    historyRoutes,
    reviewSheetRoutes,
    departmentRoutes,
    evaluationRoutes,
    caseRoutes,
    listingRoutes,
    statsRoutes,
    devTokenRoutes,
  ];
  for (const routes of v1) await app.register(routes(deps), { prefix: '/v1' });
  await app.register(consoleRoutes());
  return app;
}
