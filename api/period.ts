// The `from`/`to` of a query (listing, statistics) as a half-open range of instants: the rule is
// db/listing.ts parsePeriod's; here it becomes a 400 naming the field.
import { parsePeriod, type Period } from '../db/listing.js';
import { badRequest } from './errors.js';

export function periodOf(from: string | undefined, to: string | undefined): Period {
  try {
    return parsePeriod(from, to);
  } catch (err) {
    const [field, ...rest] = (err as Error).message.split(': ');
    throw badRequest('invalid period', [{ field: `querystring.${field}`, message: rest.join(': ') }]);
  }
}
