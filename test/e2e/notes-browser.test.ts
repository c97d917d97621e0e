import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notesToken, startBreakout, type Breakout } from '../support/notes';
import { rosterCsv, startServer, type RunningServer } from '../support/test-server';

/**
 * Two people in Chromium type into their group's notes and see each other's words and cursors.
 * The page is a test-only fixture (test/e2e/fixtures/notes-page) that mounts client/src/notes
 * alone, bundled here with Vite's JS API; the server is a real Roundtable on loopback.
 */

const chromiumPath = '/usr/bin/chromium';
const fixture = fileURLToPath(new URL('./fixtures/notes-page', import.meta.url));
const label = 'Notes of table g1';

let server: RunningServer;
let breakout: Breakout;
let pages: Server;
let pagesUrl: string;
let context: BrowserContext;
const scratch: string[] = [];

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** Serves the built fixture: files only, nothing else. */
function serveStatic(root: string): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path === '/' ? 'index.html' : path);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

async function openNotes(memberId: string, name: string, color: string, extra: { plainText?: boolean; fontSize?: string } = {}): Promise<Page> {
  const grant = await notesToken(breakout.people.get(memberId)!);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${name}] ${error.message}`));
  const params = encodeURIComponent(JSON.stringify({ url: grant.url, token: grant.token, name, color, label, ...extra }));
  await page.goto(`${pagesUrl}/index.html#${params}`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

const editorText = (page: Page) => page.locator('.cm-content').innerText();

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations inside the notes (WCAG 2.x A/AA and best practices). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const { violations } = await axe.run({ include: [['#notes']] });
    return violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium`);
  const outDir = temp('roundtable-notes-page-');
  await build({ root: fixture, configFile: false, logLevel: 'silent', base: './', build: { outDir, emptyOutDir: true, target: 'es2022' } });
  ({ server: pages, url: pagesUrl } = await serveStatic(outDir));
  server = await startServer();
  breakout = await startBreakout(server, rosterCsv(5));
  context = await chromium.launchPersistentContext(temp('roundtable-chromium-'), {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  breakout?.close();
  await server?.close();
  await new Promise((resolve) => (pages ? pages.close(resolve) : resolve(undefined)));
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('notes in Chromium', () => {
  it('two people type in the same notes and see each other’s text and cursor; undo takes back only one’s own words', async () => {
    const [ama, ben] = breakout.groups[0]!.members.map((m) => m.id);
    // Others see the name the session knows (the server rewrites any other); the pages, which also
    // share a BroadcastChannel here, say the same so that either way shows it.
    const rosterName = (id: string) => breakout.groups[0]!.members.find((m) => m.id === id)!.name;
    const a = await openNotes(ama!, rosterName(ama!), '#1d4ed8');
    const b = await openNotes(ben!, rosterName(ben!), '#a21caf');
    const editorA = a.getByRole('textbox', { name: label });
    await expect(editorA.getAttribute('aria-label')).resolves.toBe(label);
    await a.waitForFunction(() => document.querySelector('.cm-content')?.textContent?.includes('How do these results inspire me?'));

    await a.bringToFront();
    await editorA.click();
    await a.keyboard.press('Control+End');
    await a.keyboard.type('Ama: the network is ours.');
    await b.waitForFunction(() => document.querySelector('.cm-content')?.textContent?.includes('Ama: the network is ours.'));
    // Ama's caret, with her name, in Ben's editor.
    await b.waitForSelector(`.cm-ySelectionInfo:text("${rosterName(ama!)}")`, { state: 'attached' });

    await b.bringToFront();
    await b.getByRole('textbox', { name: label }).click();
    await b.keyboard.press('Control+Home');
    await b.keyboard.type('Ben was here. ');
    await a.waitForFunction(() => document.querySelector('.cm-content')?.textContent?.startsWith('Ben was here. '));
    await a.waitForSelector(`.cm-ySelectionInfo:text("${rosterName(ben!)}")`, { state: 'attached' });

    await a.bringToFront();
    await editorA.click();
    await a.keyboard.press('Control+z');
    await b.waitForFunction(() => !document.querySelector('.cm-content')?.textContent?.includes('Ama: the network is ours.'));
    expect(await editorText(b)).toContain('Ben was here.');
    expect(await editorText(a)).toContain('Ben was here.');
    expect(await axeViolations(b)).toEqual([]);
    await a.close();
    await b.close();
  });

  it('the plain-text editor edits the same notes', async () => {
    const [, , carla, dev] = breakout.groups[0]!.members.map((m) => m.id);
    const plain = await openNotes(carla!, 'Carla', '#047857', { plainText: true });
    const rich = await openNotes(dev!, 'Dev', '#b91c1c');
    const textarea = plain.getByRole('textbox', { name: label });
    await textarea.click();
    await plain.keyboard.press('Control+End');
    await plain.keyboard.type('Typed in a plain textarea.');
    await rich.waitForFunction(() => document.querySelector('.cm-content')?.textContent?.includes('Typed in a plain textarea.'));
    await rich.bringToFront();
    await rich.getByRole('textbox', { name: label }).click();
    await rich.keyboard.press('Control+Home');
    await rich.keyboard.type('First line. ');
    await plain.waitForFunction(() => (document.querySelector('textarea') as HTMLTextAreaElement).value.startsWith('First line. '));
    expect(await axeViolations(plain)).toEqual([]);
    expect(await plain.evaluate(() => (window as unknown as { notes: { scrollToHeading(h: string): boolean } }).notes.scrollToHeading('What do they mean for us as a community?'))).toBe(true);
    await plain.close();
    await rich.close();
  });

  it('both editors write in the page’s own font at the size of their container, larger where the page makes it so', async () => {
    const [, , , , eve] = breakout.groups[0]!.members.map((m) => m.id);
    const typeOf = (page: Page, selector: string) =>
      page.locator(selector).evaluate((el) => ({ size: getComputedStyle(el).fontSize, family: getComputedStyle(el).fontFamily }));
    const rich = await openNotes(eve!, 'Eve', '#0f766e', { fontSize: '20px' });
    await rich.waitForSelector('.cm-content');
    const cm = await typeOf(rich, '.cm-content');
    expect(cm.size).toBe('20px');
    expect(cm.family).not.toMatch(/monospace/);
    // A heading is a heading: larger, and without its `#` marks while nobody writes on its line.
    const heading = rich.locator('.cm-line.rt-notes-heading').first();
    expect(parseFloat(await heading.evaluate((el) => getComputedStyle(el).fontSize))).toBeGreaterThan(20);
    expect(await heading.innerText()).not.toMatch(/^#/);
    const plain = await openNotes(eve!, 'Eve', '#0f766e', { fontSize: '20px', plainText: true });
    expect((await typeOf(plain, 'textarea')).size).toBe('20px');
    await rich.close();
    await plain.close();
  });
});
