// The seed catalogue: real bundles (DOMAIN.md) published at start-up and by `npm run db:seed`.
// Province-wide (320000) except utilities, a 南京 (320100) bundle that exercises region scoping.
import type { BundleDefinition } from '../../workflows/shared/bundle.js';
import { disability } from './disability.js';
import { enterpriseChange } from './enterprise-change.js';
import { newborn } from './newborn.js';
import { posthumous } from './posthumous.js';
import { restaurant } from './restaurant.js';
import { retirement } from './retirement.js';
import { utilities } from './utilities.js';

export const seedBundles: BundleDefinition[] = [newborn, restaurant, retirement, posthumous, enterpriseChange, utilities, disability];
