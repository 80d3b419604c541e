import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { contentTypeOf, urlPathOf, type ExplorerFile, type ExplorerFiles } from './explorer-files';

const run = promisify(execFile);

/** apps/explorer, whose vite.config.mjs builds the web app. */
export const explorerRoot = path.resolve(__dirname, '../../../explorer');

/**
 * Builds the explorer with Vite into a temporary directory and returns its files in memory.
 *
 * The query API builds it itself rather than relying on an install hook: `npm ci` then `strata up`
 * needs no extra step, the page always matches the sources it runs with, nothing is written into the
 * source tree (the container runs as a user who may not write there), and the Dockerfile's
 * dependency layer, installed before the sources are copied, keeps working. Vite runs in a child
 * process so its memory, its NODE_ENV and any crash stay out of the API process; a build takes
 * about a second.
 */
export async function buildExplorer(): Promise<ExplorerFiles> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'strata-explorer-'));
  try {
    const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
    // The native loader imports the config as it is; the default one writes a bundled copy into
    // node_modules or beside the config, which fails where the tree is read-only.
    const config = ['--config', path.join(explorerRoot, 'vite.config.mjs'), '--configLoader', 'native'];
    const output = ['--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'];
    await run(process.execPath, [vite, 'build', ...config, ...output], {
      cwd: explorerRoot,
      env: { ...process.env, NODE_ENV: 'production' },
      maxBuffer: 4 * 1024 * 1024,
    }).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`building the explorer failed: ${(error.stderr || error.message).trim().slice(-2000)}`);
    });
    const files = new Map<string, ExplorerFile>();
    for (const file of await readdir(outDir, { recursive: true, withFileTypes: true })) {
      if (!file.isFile()) continue;
      const absolute = path.join(file.parentPath, file.name);
      files.set(urlPathOf(path.relative(outDir, absolute)), {
        body: await readFile(absolute),
        contentType: contentTypeOf(file.name),
      });
    }
    if (!files.has('/index.html')) throw new Error('building the explorer produced no index.html');
    return files;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
