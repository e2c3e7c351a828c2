// The seed catalogue: real bundles (DOMAIN.md) published at start-up and by `npm run db:seed`.
import type { BundleDefinition } from '../../workflows/shared/bundle.js';
import { newborn } from './newborn.js';

export const seedBundles: BundleDefinition[] = [newborn];
