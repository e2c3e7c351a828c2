// The OpenAPI document's words, in one place: every operation's operationId, its summary in Chinese
// and English, its tag, and the rules that refuse it. Applied to the generated document
// (documentOperations), so the route files keep only their schemas; test/unit/operations.test.ts
// holds the table and the routes to each other, and `npm run openapi` lints the result.

type Tag = 'platform' | 'catalogue' | 'calendar' | 'applications' | 'decisions' | 'supervision' | 'evaluation' | 'cases' | 'development';

export const TAGS: { name: Tag; description: string }[] = [
  { name: 'platform', description: '运行状态与监控 · Health and metrics' },
  { name: 'catalogue', description: '一件事目录与办事指南 · Bundles (R-1, R-2) and their guides' },
  { name: 'calendar', description: '工作日历 · The working-day calendar (R-6.1)' },
  { name: 'applications', description: '申请、受理、补正、撤回、送达 · Applications: intake, supplements, withdrawal, delivery (R-3 … R-7)' },
  { name: 'decisions', description: '部门审批 · Department decisions, AB岗, 告知承诺 checks, joint sign-offs (R-5)' },
  { name: 'supervision', description: '办件查询、过程、统计 · Listing, timelines, audit, inboxes and statistics (R-8)' },
  { name: 'evaluation', description: '好差评与整改 · Ratings and the rectification of bad ones (10.4)' },
  { name: 'cases', description: '12345 工单与督办 · Hotline tickets and supervised cases (9.5)' },
  { name: 'development', description: '开发辅助 · Development helpers (absent when a real secret is configured)' },
];

interface Operation {
  id: string;
  tag: Tag;
  zh: string;
  en: string;
  /** When the operation is refused, beyond a malformed request (400) and a missing or expired token (401). */
  refuses?: string;
}

const STEP = (zh: string, en: string, who: string, from: string): Operation => ({
  id: '',
  tag: 'evaluation',
  zh,
  en,
  refuses: `403 unless ${who}; 409 unless the rectification is ${from}; 404 for an unknown rectification.`,
});

/** Keyed by `METHOD /path/{param}` as the document spells them. */
export const OPERATIONS: Record<string, Operation> = {
  'GET /healthz': { id: 'getHealth', tag: 'platform', zh: '健康检查', en: 'Health check', refuses: '503 when PostgreSQL or Temporal cannot be reached.' },
  'GET /metrics': { id: 'getMetrics', tag: 'platform', zh: '监控指标', en: 'Prometheus metrics' },
  'GET /v1/bundles': { id: 'listBundles', tag: 'catalogue', zh: '一件事目录', en: 'List the bundles' },
  'GET /v1/regions': { id: 'listRegions', tag: 'catalogue', zh: '行政区划', en: 'List the administrative divisions' },
  'GET /v1/certificates': {
    id: 'listCertificates',
    tag: 'applications',
    zh: '我的电子证照',
    en: "List the applicant's certificates",
    refuses: '403 unless an applicant.',
  },
  'GET /v1/certificates/{id}': {
    id: 'getCertificate',
    tag: 'applications',
    zh: '查看电子证照',
    en: 'Get a certificate',
    refuses: '404 for an unknown certificate or another holder’s; 403 for a department that neither issued it nor has an item in an application it served.',
  },
  'POST /v1/bundles': {
    id: 'publishBundle',
    tag: 'catalogue',
    zh: '发布一件事（新版本）',
    en: 'Publish a bundle version',
    refuses: '403 unless a coordinator whose region covers the bundle’s; 400 naming every problem of a definition that cannot be published.',
  },
  'GET /v1/bundles/{code}': {
    id: 'getBundle',
    tag: 'catalogue',
    zh: '一件事定义',
    en: 'Get a bundle definition',
    refuses: '404 for an unknown bundle or version.',
  },
  'POST /v1/bundles/{code}/retire': {
    id: 'retireBundle',
    tag: 'catalogue',
    zh: '停用一件事',
    en: 'Retire a bundle',
    refuses: '403 unless a coordinator whose region covers the bundle’s; 404 for an unknown bundle.',
  },
  'GET /v1/bundles/{code}/guide': {
    id: 'getGuide',
    tag: 'catalogue',
    zh: '办事指南（一次告知）',
    en: 'Get the guide (JSON or printable page)',
    refuses: '404 for an unknown bundle or version; 400 for answers that do not fit the bundle’s questions.',
  },
  'PUT /v1/calendar/{year}': {
    id: 'publishCalendarYear',
    tag: 'calendar',
    zh: '发布工作日历',
    en: 'Publish a year of the working-day calendar',
    refuses:
      '403 unless a province-wide coordinator; 400 naming every date that is not of the year (or of its previous late December), a make-up working day on a weekday, or a date listed twice.',
  },
  'GET /v1/calendar/{year}': {
    id: 'getCalendarYear',
    tag: 'calendar',
    zh: '查询工作日历',
    en: 'Get a published calendar year',
    refuses: '404 for a year not published.',
  },
  'POST /v1/applications': {
    id: 'submitApplication',
    tag: 'applications',
    zh: '提交申请',
    en: 'Submit an application',
    refuses:
      '403 for an agent without the applicant’s mandate; 404 for an unknown bundle; 409 for a retired bundle or an Idempotency-Key reused with another body; 400 naming every field, answer, material, 容缺 commitment or 告知承诺 pledge that does not fit the bundle.',
  },
  'GET /v1/applications': {
    id: 'listApplications',
    tag: 'supervision',
    zh: '办件查询',
    en: 'List applications',
    refuses: '403 for a filter outside the caller’s region or department.',
  },
  'GET /v1/applications/{id}': {
    id: 'getApplication',
    tag: 'applications',
    zh: '申请详情',
    en: 'Get an application',
    refuses: '404 for an application the caller may not see (no existence leak).',
  },
  'GET /v1/applications/{id}/receipt': {
    id: 'getReceipt',
    tag: 'applications',
    zh: '收件凭证',
    en: 'Get the receipt (JSON or printable page)',
    refuses: '404 for an application the caller may not see.',
  },
  'POST /v1/applications/{id}/supplements': {
    id: 'supplementApplication',
    tag: 'applications',
    zh: '补充材料',
    en: 'Supplement materials',
    refuses: '409 once the application has ended or its supplements reach their bound; 400 for a material the bundle does not have.',
  },
  'POST /v1/applications/{id}/intake-review': {
    id: 'reviewIntake',
    tag: 'applications',
    zh: '受理审查（行政许可法第三十二条）',
    en: 'Review the intake (§32)',
    refuses: '403 unless window staff; 409 unless the application awaits its review, or once its corrections reach their bound.',
  },
  'POST /v1/applications/{id}/withdraw': {
    id: 'withdrawApplication',
    tag: 'applications',
    zh: '撤回申请',
    en: 'Withdraw an application',
    refuses: '409 once the application has ended.',
  },
  'POST /v1/events': {
    id: 'postLifeEvent',
    tag: 'applications',
    zh: '推送事件，主动生成待确认申请（政策服务免申办）',
    en: 'Post a life event: propose the bundles it triggers to its subject',
    refuses: '403 unless role system; 409 when the event id was posted before with another type or subject.',
  },
  'POST /v1/applications/{id}/confirm': {
    id: 'confirmProposal',
    tag: 'applications',
    zh: '确认办理主动服务申请',
    en: 'Confirm a proposed application',
    refuses: '403 unless the applicant or window staff; 404 for another applicant’s; 409 unless the application is proposed; 400 as a submission.',
  },
  'POST /v1/applications/{id}/decline': {
    id: 'declineProposal',
    tag: 'applications',
    zh: '谢绝主动服务申请',
    en: 'Decline a proposed application',
    refuses: '403 unless the applicant or window staff; 404 for another applicant’s; 409 unless the application is proposed.',
  },
  'POST /v1/applications/{id}/items/{item}/decisions': {
    id: 'decideItem',
    tag: 'decisions',
    zh: '审批决定（准予、不予、补正、中止、恢复、延长）',
    en: 'Decide an item (approve, reject, correction, suspend, resume, extend)',
    refuses:
      '403 unless the item’s department (post B only once post A’s time is up); 409 when the item is not in review, an approval while suspended or blocked by a joint procedure, an extension past §42’s bound or after the limit ran out, interim decisions at their bound; 400 for a rejection or correction without reason, a suspension without its §45 ground, a result over 8 KiB.',
  },
  'POST /v1/applications/{id}/items/{item}/take': {
    id: 'takeItem',
    tag: 'decisions',
    zh: '领取任务（AB岗）',
    en: 'Take an item (A/B post)',
    refuses: '403 unless the item’s department; 409 when it is taken by another officer, not in review, or post B before post A’s time is up.',
  },
  'POST /v1/applications/{id}/items/{item}/post-check': {
    id: 'verifyCommitment',
    tag: 'decisions',
    zh: '告知承诺核查',
    en: 'Check a commitment (confirm or revoke)',
    refuses: '403 unless the item’s department; 409 when no check is pending; 400 for a revocation without reason.',
  },
  'POST /v1/applications/{id}/joint/{code}/sign-offs': {
    id: 'signOffJoint',
    tag: 'decisions',
    zh: '联合办理会签',
    en: 'Sign off a joint procedure',
    refuses:
      '403 unless a participating department; 404 for an unknown joint procedure; 409 when already signed off by that department or complete; 400 for a dissent without opinion.',
  },
  'POST /v1/applications/{id}/joint/{code}/resolution': {
    id: 'resolveJoint',
    tag: 'decisions',
    zh: '牵头部门处理会签分歧',
    en: 'Resolve a dissent in a joint procedure (the lead department)',
    refuses:
      '403 unless the lead department; 404 for an unknown joint procedure; 409 when no dissent stands or the procedure has ended; 400 when several departments dissent and reconsider names none.',
  },
  'POST /v1/applications/{id}/delivery': {
    id: 'recordDelivery',
    tag: 'applications',
    zh: '送达登记',
    en: 'Record a delivery event',
    refuses: '403 unless window staff; 409 when the delivery is not in a state that takes the event (a shipment needs a tracking number).',
  },
  'GET /v1/applications/{id}/history': {
    id: 'getHistory',
    tag: 'supervision',
    zh: '办理过程',
    en: 'Get the timeline',
    refuses: '404 for an application the caller may not see.',
  },
  'GET /v1/applications/{id}/audit': {
    id: 'getAudit',
    tag: 'supervision',
    zh: '审计记录',
    en: 'Get the audit trail',
    refuses: '403 for an applicant or agent; 404 for an application the caller may not see.',
  },
  'GET /v1/applications/{id}/items/{item}': {
    id: 'getReviewSheet',
    tag: 'decisions',
    zh: '审查单（申请材料与表单）',
    en: 'Get an item’s review sheet',
    refuses: '403 for another department’s item; 404 for an unknown item or one the caller may not see.',
  },
  'GET /v1/departments/{dept}/tasks': {
    id: 'listDepartmentTasks',
    tag: 'supervision',
    zh: '部门待办',
    en: 'List a department’s tasks (long poll with ?wait)',
    refuses: '403 for another department’s inbox; 304 with If-None-Match when nothing changed.',
  },
  'POST /v1/applications/{id}/evaluation': {
    id: 'evaluateApplication',
    tag: 'evaluation',
    zh: '好差评',
    en: 'Rate an application',
    refuses:
      '403 online unless its applicant; 409 before it has ended or when already rated (一事一评); 400 for an unknown item or a window rating without visitId.',
  },
  'POST /v1/rectifications/{id}/check': { ...STEP('整改核实', 'Check a rectification', 'the responsible department', 'assigned'), id: 'checkRectification' },
  'POST /v1/rectifications/{id}/rectify': { ...STEP('整改', 'Rectify', 'the responsible department', 'checked'), id: 'rectify' },
  'POST /v1/rectifications/{id}/reply': { ...STEP('答复评价人', 'Reply to the evaluator', 'the responsible department', 'rectified'), id: 'replyToEvaluator' },
  'POST /v1/rectifications/{id}/return-visit': { ...STEP('回访', 'Record the return visit', 'the hotline or a coordinator', 'replied'), id: 'returnVisit' },
  'POST /v1/rectifications/{id}/appeal': { ...STEP('申诉复核', 'Appeal', 'the evaluator', 'replied or closed unsatisfied'), id: 'appealRectification' },
  'POST /v1/rectifications/{id}/appeal-decision': { ...STEP('复核决定', 'Decide an appeal', 'a coordinator', 'appealed'), id: 'decideAppeal' },
  'POST /v1/rectifications/{id}/dispute': {
    ...STEP('部门申诉', 'Dispute the review (the department)', 'the responsible department', 'assigned or checked'),
    id: 'disputeReview',
  },
  'POST /v1/rectifications/{id}/dispute-decision': {
    ...STEP('申诉裁定', 'Decide a department’s dispute', 'a coordinator', 'disputed'),
    id: 'decideDispute',
    refuses: '403 unless a coordinator; 409 unless the rectification is disputed; 400 without upheld.',
  },
  'GET /v1/rectifications/{id}': {
    id: 'getRectification',
    tag: 'evaluation',
    zh: '整改详情',
    en: 'Get a rectification',
    refuses: '403 for another department’s case; 404 for an unknown one.',
  },
  'POST /v1/tickets': {
    id: 'createTicket',
    tag: 'cases',
    zh: '12345 派单',
    en: 'Create a hotline ticket',
    refuses: '403 unless the hotline or a coordinator; 400 without a department or an application to route it to.',
  },
  'GET /v1/tickets/{id}': {
    id: 'getTicket',
    tag: 'cases',
    zh: '工单详情',
    en: 'Get a ticket',
    refuses: '403 for another department’s ticket; 404 for an unknown one.',
  },
  'POST /v1/tickets/{id}/reply': {
    id: 'replyTicket',
    tag: 'cases',
    zh: '工单办理回复',
    en: 'Reply to a ticket',
    refuses: '403 unless the department it was routed to; 409 once replied.',
  },
  'POST /v1/tickets/{id}/close': {
    id: 'closeTicket',
    tag: 'cases',
    zh: '回访办结',
    en: 'Close a ticket after the return visit',
    refuses: '403 unless the hotline or a coordinator; 409 before the department has replied.',
  },
  'GET /v1/cases': { id: 'listCases', tag: 'cases', zh: '整改与工单', en: 'List rectifications and tickets', refuses: '403 for another department’s cases.' },
  'GET /v1/hotline/applications/{id}': {
    id: 'lookUpForHotline',
    tag: 'cases',
    zh: '12345 办件查询（脱敏）',
    en: 'Look an application up for the hotline (masked)',
    refuses: '403 unless the hotline or a coordinator; 404 for an unknown application.',
  },
  'GET /v1/stats': {
    id: 'getStats',
    tag: 'supervision',
    zh: '统计分析',
    en: 'Get the statistics',
    refuses: '403 for a region or department outside the caller’s.',
  },
  'POST /v1/dev/tokens': { id: 'issueDevToken', tag: 'development', zh: '开发令牌', en: 'Issue a development token' },
};

type Doc = { paths?: Record<string, Record<string, Record<string, unknown>>>; tags?: unknown[] };

/** Gives every operation of the generated document its id, summary, tag and refusals (swagger's transformObject). */
export function documentOperations<T extends object>(document: T): T {
  const doc = document as Doc;
  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      const known = OPERATIONS[`${method.toUpperCase()} ${path}`];
      if (!known) continue; // the test names any operation missing here
      op.operationId = known.id;
      op.summary = `${known.zh} · ${known.en}`;
      op.tags = [known.tag];
      if (known.refuses) op.description = [op.description, `Refused: ${known.refuses}`].filter(Boolean).join('\n\n');
    }
  }
  doc.tags = TAGS;
  return document;
}
