import { pathToFileURL } from 'node:url';

/** True when the module at `url` is the script node was started with (ESM's `require.main === module`). */
export const isMain = (url: string): boolean => process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;
