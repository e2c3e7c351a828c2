// The department's review sheet (审查单) of one item: what it is reviewing, read from the case file
// on a need-to-know basis. A department sees its own item's fields and materials and the
// results of the items it depends on — nothing of other items' fields; the lead department, window
// staff and the applicant the whole submission; coordinators and the hotline the item without values.
import { getBundle } from '../../db/bundles.js';
import type { BundleVersion } from '../../workflows/shared/bundle.js';
import { routes } from '../route-plugin.js';
import { applicationView, caseFileOf, loadVisible } from '../application-access.js';
import { sheetReach } from '../access.js';
import { requireRole } from '../auth.js';
import { caseEventsOf, timelineFromLog } from '../case-timeline.js';
import { notFound } from '../errors.js';
import { ItemParams } from '../schemas/applications.js';
import { errorResponses, Json } from '../schemas/common.js';

export const reviewSheetRoutes = routes(async (app, deps) => {
  app.get(
    '/applications/:id/items/:item',
    {
      preParsing: requireRole(),
      schema: {
        description:
          'The review sheet of one item: the item, its deadline and clock, its form fields with values, its materials with uri and sha256, ' +
          "the results of the items it depends on, its decisions and events. A department sees only its own item's fields (403 for another " +
          "department's item unless it leads the bundle); the lead department, window staff and the applicant see the whole submission.",
        params: ItemParams,
        response: { 200: Json, ...errorResponses },
      },
    },
    async (request) => {
      const { id, item: code } = request.params;
      const state = await loadVisible(deps, request, id);
      const item = state.items.find((i) => i.code === code);
      if (!item) throw notFound(`item ${code}`);
      const reach = sheetReach(request.user, state, item);
      const [file, bundle, rows] = await Promise.all([
        caseFileOf(deps, id),
        getBundle(deps.db.db, state.bundle.code, state.bundle.version),
        caseEventsOf(deps.db.db, id),
      ]);
      const def = (bundle as BundleVersion | undefined)?.items.find((i) => i.code === code);
      if (!bundle || !def) throw notFound(`item ${code}`);

      const fieldKeys = reach === 'whole' ? bundle.fields.map((f) => f.key) : def.fields;
      const form = file?.personal.form ?? {};
      const fields = fieldKeys.map((key) => {
        const f = bundle.fields.find((x) => x.key === key);
        const from = reach !== 'none' ? file?.submission.sharedData?.[key] : undefined;
        return {
          key,
          label: f?.label ?? key,
          type: f?.type,
          ...(reach !== 'none' && key in form ? { value: form[key] } : {}),
          ...(from ? { sharedFrom: from } : {}),
        };
      });
      const materialCodes = reach === 'whole' ? bundle.materials.map((m) => m.code) : def.materials.map((m) => m.code);
      const refs = file?.submission.materials ?? [];
      const materials = materialCodes.map((m) => {
        const need = def.materials.find((x) => x.code === m);
        return {
          code: m,
          name: bundle.materials.find((x) => x.code === m)?.name ?? m,
          ...(need ? { required: need.required, deferrable: need.deferrable } : {}),
          received: state.received.includes(m),
          // Every reference handed in for it, oldest first (a supplement adds a newer one).
          refs: reach === 'none' ? undefined : refs.filter((r) => r.code === m).map(({ uri, sha256, at, via }) => ({ uri, sha256, at, via })),
        };
      });
      const prerequisites = def.after.map((a) => {
        const p = state.items.find((i) => i.code === a);
        return { item: a, name: p?.name ?? a, status: p?.status, ...(reach !== 'none' ? { result: p?.result } : {}) };
      });
      const personal = file?.personal;
      const events = timelineFromLog(id, rows, personal).timeline.filter((e) => e.item === code);
      const view = applicationView(state);
      return {
        application: {
          id: state.id,
          number: state.number,
          bundle: state.bundle,
          status: state.status,
          applicant: view.applicant,
          channel: state.channel,
          createdAt: state.createdAt,
          acceptedAt: state.acceptedAt,
        },
        item,
        reach,
        fields,
        materials,
        prerequisites,
        ...(reach === 'whole' && file
          ? { answers: file.submission.answers, commitments: file.submission.commitments, delivery: { method: state.delivery.method } }
          : {}),
        decisions: item.decisions ?? [],
        events,
      };
    },
  );
});
