// GET /v1/regions: the administrative divisions the catalogue knows (GB/T 2260), for clients that
// ask an applicant for their 属地 and for the console's department login. Public, like the guides.
import { Type } from 'typebox';
import { routes } from '../route-plugin.js';
import { errorResponses, OneOf, RegionCode } from '../schemas/common.js';

const Region = Type.Object({
  code: RegionCode,
  name: Type.String(),
  level: OneOf(['province', 'city', 'county'] as const),
  parent: Type.Union([RegionCode, Type.Null()]),
});

export const regionRoutes = routes(async (app) => {
  app.get(
    '/regions',
    {
      schema: {
        description: 'Public. Every division by code: the province, its cities, their districts, county-level cities and counties.',
        security: [],
        response: { 200: Type.Object({ regions: Type.Array(Region) }), ...errorResponses },
      },
    },
    async () => ({ regions: [...(await app.regions.all()).values()].sort((a, b) => a.code.localeCompare(b.code)) }),
  );
});
