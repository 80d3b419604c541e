import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, screenshot, type Browser } from './browser';
import { dagAt, type DagCounts } from './dag-oracle';
import type { ExplorerStack } from './explorer-stack';

/**
 * The explorer's end-to-end tests in headless Chromium, against whatever stack `startStack` brings
 * up: every expectation comes from the stack's facts (what was published) or from the API itself.
 */
export function defineExplorerSuite(
  name: string,
  startStack: () => Promise<ExplorerStack>,
  setupTimeoutMs: number,
): void {
  let stack: ExplorerStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
  }, setupTimeoutMs);

  afterEach(() => {
    // Every page kept working: no uncaught error, nothing the page's security policy had to block.
    expect(browser.takeFaults()).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function enterKey(page: Page, key: string): Promise<void> {
    const dialog = page.locator('#key-dialog');
    await dialog.waitFor({ state: 'visible' });
    await dialog.getByLabel('Key').fill(key);
    await dialog.getByRole('button', { name: 'Use this key' }).click();
  }

  /** A new browser session on `path`, with the reader key entered at the prompt. */
  async function openWithKey(path: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${stack.url}${path}`);
    await enterKey(page, stack.keys.reader);
    await page.locator('#key-dialog').waitFor({ state: 'hidden' });
    return page;
  }

  async function dagCounts(page: Page, asOf?: string) {
    // The summary names the time it was drawn for, so waiting for it waits for that redraw.
    const summary = page.locator('#dag-summary', { hasText: asOf ? `as of ${asOf}` : '(latest)' });
    await summary.waitFor();
    const count = async (name: string) => Number(await summary.getAttribute(`data-${name}`));
    return {
      nodes: await count('nodes'),
      leaves: await count('leaves'),
      retracted: await count('retracted'),
    };
  }

  /**
   * Moves the pointer over the graph, as a user looking for a node would, until a node's details show.
   * Nodes are drawn on a canvas, so there is no element to hover; the grid is finer than a node.
   */
  async function hoverUntilTooltip(page: Page, graph: Locator): Promise<string> {
    const box = (await graph.boundingBox())!;
    const tooltip = page.locator('#tooltip');
    for (let y = box.y + 10; y < box.y + box.height; y += 20) {
      for (let x = box.x + 10; x < box.x + box.width; x += 40) {
        await page.mouse.move(x, y);
        if (await tooltip.isVisible()) return (await tooltip.textContent())!;
      }
    }
    throw new Error('no node showed its details on hover');
  }

  const apiJson = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${stack.url}${path}`, {
      headers: { authorization: `Bearer ${stack.keys.reader}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  describe('API key', () => {
    it('is asked for once per browser session; a refused key is explained and asked for again', async () => {
      const page = await browser.newPage();
      await page.goto(`${stack.url}/items/${stack.dagItem.itemId}`);

      await enterKey(page, stack.keys.unknown);
      const keyError = page.locator('#key-error');
      await keyError.waitFor();
      expect(await keyError.textContent()).toMatch(/API key was not accepted/);
      expect(await page.locator('main .error').textContent()).toMatch(/API key was not accepted/);
      await screenshot(page, `${name}-key-refused`);

      await enterKey(page, stack.keys.writerOnly);
      await page.locator('#key-error', { hasText: 'may not read' }).waitFor();
      expect(await keyError.textContent()).toMatch(/lacks the read scope/);

      await enterKey(page, stack.keys.reader);
      await dagCounts(page);
      expect(await page.locator('#key-dialog').isVisible()).toBe(false);

      // Kept for the session: a reload does not ask again.
      await page.reload();
      await dagCounts(page);
      expect(await page.locator('#key-dialog').isVisible()).toBe(false);
      await page.close();
    });
  });

  describe('item page', () => {
    it('draws the label DAG with its leaves highlighted and retracted labels marked', async () => {
      const page = await openWithKey(`/items/${stack.dagItem.itemId}`);
      const { events } = stack.dagItem;
      const expected = dagAt(events);
      expect(await dagCounts(page)).toEqual(expected);
      expect(await page.locator('h1').textContent()).toBe(`Item ${stack.dagItem.itemId}`);

      // The same labels as a table, retracted ones struck through.
      const rows = page.locator('#labels tbody tr');
      expect(await rows.count()).toBe(expected.nodes);
      for (const { labelId } of events.filter((event) => event.kind === 'retraction')) {
        const row = page.locator(`#labels tr[data-label-id="${labelId}"]`);
        expect(await row.locator('s').count()).toBe(1);
        expect(await row.locator('td').last().textContent()).toMatch(/^retracted/);
      }
      const states = await page.locator('#labels tbody tr td:last-child').allTextContents();
      expect(states.filter((state) => state.startsWith('leaf'))).toHaveLength(expected.leaves);

      const tooltip = await hoverUntilTooltip(page, page.locator('#dag'));
      expect(tooltip).toMatch(/^author: (human|model|rule) \S+$/m);
      expect(tooltip).toMatch(/^tool: \S+/m);
      expect(tooltip).toMatch(/^time: \d{4}-\d{2}-\d{2}T/m);
      await screenshot(page, `${name}-item-dag`);
      await page.close();
    });

    it('redraws the DAG as it stood at each time the as-of slider is moved to', async () => {
      const page = await openWithKey(`/items/${stack.dagItem.itemId}`);
      await dagCounts(page);
      const slider = page.getByRole('slider', { name: 'as of' });
      const positions = Number(await slider.getAttribute('max')) + 1;
      await slider.focus();
      await page.keyboard.press('Home');
      const drawn: DagCounts[] = [];
      for (let position = 0; position < positions; position++) {
        if (position > 0) await page.keyboard.press('ArrowRight');
        const latest = position === positions - 1;
        const time = latest ? undefined : (await page.locator('#as-of-time').textContent())!;
        const counts = await dagCounts(page, time);
        expect(counts).toEqual(dagAt(stack.dagItem.events, time));
        drawn.push(counts);
        if (position === Math.floor(positions / 2)) await screenshot(page, `${name}-item-dag-as-of`);
      }
      // The first position is the item's registration, before any label; the DAG grew since.
      expect(drawn[0]).toEqual({ nodes: 0, leaves: 0, retracted: 0 });
      expect(drawn.at(-1)!.nodes).toBeGreaterThan(1);
      await page.close();
    });

    it('says so when the item does not exist', async () => {
      const page = await openWithKey('/items/no-such-item');
      const error = page.locator('main .error');
      await error.waitFor();
      expect(await error.textContent()).toMatch(/no-such-item/);
      await page.close();
    });
  });

  describe('search page', () => {
    it('opens an item by id, and lists the labelled items of a dataset that match', async () => {
      const page = await openWithKey('/');
      await page.getByLabel('Item id').fill(stack.dagItem.itemId);
      await page.getByRole('button', { name: 'Open' }).click();
      await dagCounts(page);
      expect(new URL(page.url()).pathname).toBe(`/items/${stack.dagItem.itemId}`);

      await page.getByRole('link', { name: 'Items' }).click();
      await page.getByLabel('Dataset', { exact: true }).fill(stack.dagItem.dataset);
      await page.getByLabel('Contains', { exact: true }).fill(stack.dagItem.itemId);
      await page.getByRole('button', { name: 'Search' }).click();
      const results = page.locator('#search-results li');
      await results.first().waitFor();
      expect(await results.allTextContents()).toEqual([expect.stringContaining(stack.dagItem.itemId)]);
      await screenshot(page, `${name}-search`);
      await results.getByRole('link').click();
      await dagCounts(page);
      await page.close();
    });
  });

  describe('lineage page', () => {
    interface Graph {
      nodes: { kind: string }[];
    }

    it('shows upstream lineage with its runs and artifact versions, to the depth asked', async () => {
      const page = await openWithKey('/lineage');
      await page.getByLabel('Node').fill(stack.lineage.node);
      await page.getByLabel('Direction').selectOption('upstream');
      await page.getByLabel('Depth').fill('5');
      await page.getByRole('button', { name: 'Show' }).click();

      // What is drawn is what the API answers for the node, direction and depth asked.
      const drawnAsAnswered = async (depth: number) => {
        const summary = page.locator('#lineage-summary', { hasText: `to depth ${depth}` });
        await summary.waitFor();
        const node = encodeURIComponent(stack.lineage.node);
        const graph = await apiJson<Graph>(`/v1/lineage?node=${node}&direction=upstream&depth=${depth}`);
        const count = (kind: string) => graph.nodes.filter((graphNode) => graphNode.kind === kind).length;
        expect(Number(await summary.getAttribute('data-steps'))).toBe(count('step'));
        expect(Number(await summary.getAttribute('data-artifacts'))).toBe(count('artifact'));
        return summary;
      };
      const deep = await drawnAsAnswered(5);
      expect(Number(await deep.getAttribute('data-steps'))).toBe(stack.lineage.steps.length);
      expect(Number(await deep.getAttribute('data-runs'))).toBe(1);
      expect(await page.locator('#runs').textContent()).toContain(stack.lineage.runId);
      await screenshot(page, `${name}-lineage`);

      await page.getByLabel('Depth').fill('1');
      await page.getByRole('button', { name: 'Show' }).click();
      await drawnAsAnswered(1);
      await page.close();
    });
  });

  describe('releases page', () => {
    it('shows a release with its manifest hash and rendered datasheet', async () => {
      const page = await openWithKey('/releases');
      await page.getByLabel('Snapshot id').fill(stack.release.snapshotId);
      await page.getByRole('button', { name: 'Open' }).click();

      const hash = page.locator('#manifest-hash');
      await hash.waitFor();
      expect(await hash.textContent()).toBe(stack.release.manifestSha256);
      const datasheetTitle = page.frameLocator('#datasheet').locator('h1');
      await datasheetTitle.waitFor();
      expect(await datasheetTitle.textContent()).toContain(`Datasheet: ${stack.release.name}`);
      await screenshot(page, `${name}-release`);

      // The downloaded manifest is the one the release's hash was computed over.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download manifest' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${stack.release.name}.manifest.tsv`);
      const manifest = await readFile((await download.path())!);
      expect(createHash('sha256').update(manifest).digest('hex')).toBe(stack.release.manifestSha256);
      await page.close();
    });
  });

  describe('serving', () => {
    it('answers deep links with the app while the API keeps its own answers', async () => {
      const deepLink = await fetch(`${stack.url}/items/img-f`);
      expect(deepLink.status).toBe(200);
      expect(deepLink.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await deepLink.text()).toContain('<div id="tooltip"');
      expect(deepLink.headers.get('content-security-policy')).toContain("script-src 'self'");

      const api = await fetch(`${stack.url}/v1/items/img-f`);
      expect(api.status).toBe(401);
      expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);

      const unknownAsset = await fetch(`${stack.url}/assets/missing.js`);
      expect(unknownAsset.status).toBe(404);
      expect(unknownAsset.headers.get('content-type')).toMatch(/^application\/problem\+json/);

      const unknownApiPath = await fetch(`${stack.url}/v1/nothing-here`);
      expect(unknownApiPath.status).toBe(404);
      expect(unknownApiPath.headers.get('content-type')).not.toMatch(/html/);
    });
  });
}
