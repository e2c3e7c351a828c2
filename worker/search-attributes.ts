// The namespace's custom search attributes (temporal.config.ts SEARCH_ATTRIBUTES): checked by the
// API's /healthz, registered by the worker at start on a cluster that lacks them — or a clear
// error naming them and the command that registers them where the worker may not (Temporal Cloud).
import proto from '@temporalio/proto'; // CommonJS: no named exports under Node's ESM loader
import { SEARCH_ATTRIBUTES } from '../temporal.config.js';

type OperatorService = {
  listSearchAttributes(request: { namespace: string }): Promise<{ customAttributes?: Record<string, unknown> | null }>;
  addSearchAttributes(request: { namespace: string; searchAttributes: Record<string, number> }): Promise<unknown>;
};

const INDEXED = proto.temporal.api.enums.v1.IndexedValueType;
const TYPES: Record<string, number> = {
  Keyword: INDEXED.INDEXED_VALUE_TYPE_KEYWORD,
  KeywordList: INDEXED.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  Bool: INDEXED.INDEXED_VALUE_TYPE_BOOL,
};

type Wanted = [name: string, type: keyof typeof TYPES];

/** The attributes the namespace lacks or has with another type. */
async function lacking(operator: OperatorService, namespace: string): Promise<Wanted[]> {
  const { customAttributes } = await operator.listSearchAttributes({ namespace });
  const have = customAttributes ?? {};
  return (Object.entries(SEARCH_ATTRIBUTES) as Wanted[]).filter(([name, type]) => Number(have[name]) !== TYPES[type]);
}

const named = (wanted: Wanted[]) => wanted.map(([name, type]) => `${name} (${type})`);

/** The search attributes the namespace lacks, or has with another type (named `Name (type)`). */
export async function missingSearchAttributes(operator: OperatorService, namespace: string): Promise<string[]> {
  return named(await lacking(operator, namespace));
}

/** Registers what the namespace lacks (named as above); throws naming them and the commands when it cannot. */
export async function ensureSearchAttributes(operator: OperatorService, namespace: string): Promise<string[]> {
  const why = (err: unknown) => (err instanceof Error ? err.message : String(err));
  const commands = (wanted: Wanted[]) =>
    `Register them once:\n${wanted
      .map(([name, type]) => `  temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${type}`)
      .join('\n')}\n(on Temporal Cloud: tcld namespace search-attributes add)`;
  let wanted: Wanted[];
  try {
    wanted = await lacking(operator, namespace);
  } catch (err) {
    const all = Object.entries(SEARCH_ATTRIBUTES) as Wanted[];
    throw new Error(
      `cannot read the search attributes of namespace ${namespace} (${why(err)}); the workflows need ${all.map(([name]) => name).join(', ')}. ${commands(all)}`,
    );
  }
  if (wanted.length === 0) return [];
  try {
    await operator.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(wanted.map(([name, type]) => [name, TYPES[type]!])) });
  } catch (err) {
    throw new Error(
      `namespace ${namespace} lacks the search attributes ${named(wanted).join(', ')} and they could not be registered (${why(err)}). ${commands(wanted)}`,
    );
  }
  return named(wanted);
}
