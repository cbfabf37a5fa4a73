import { expect, test } from '@playwright/test';

test('the support page shows the support metrics and drills into a channel', async ({ page }) => {
  await page.goto('/support');
  for (const id of ['tile-frt', 'tile-resolution', 'tile-fcr', 'tile-csat', 'tile-tickets', 'tile-backlog']) {
    await expect(page.getByTestId(id)).toBeVisible();
  }
  await expect(page.getByTestId('tile-frt').locator('.tile-value')).toHaveText(/\d+ (s|min|h|d)/);
  await expect(page.getByTestId('channel-row')).toHaveCount(4);
  await expect(page.getByTestId('incident-times')).toContainText('critical');
  await expect(page.getByTestId('open-incidents')).toContainText('Slow search results');
  const all = Number((await page.getByTestId('tile-tickets').locator('.tile-value').textContent())!.replace(/,/g, ''));
  await page.getByTestId('channel-row').filter({ hasText: 'chat' }).getByRole('link', { name: 'chat' }).click();
  await expect(page).toHaveURL(/\/support\?.*channel=chat/);
  await expect(page.getByTestId('support-filter')).toContainText('chat');
  await expect(page.getByTestId('channel-row')).toHaveCount(1);
  const chat = Number((await page.getByTestId('tile-tickets').locator('.tile-value').textContent())!.replace(/,/g, ''));
  expect(chat).toBeGreaterThan(0);
  expect(chat).toBeLessThan(all);
});

const num = (s: string | null) => Number((s ?? '').replace(/[^0-9]/g, ''));

test('trends carry incident bands and the heatmap counts every ticket', async ({ page }) => {
  await page.goto('/support?range=30d');
  // ECharts drew the three trends.
  for (const id of ['support-volume', 'support-frt', 'support-csat']) {
    await expect(page.locator(`#${id} canvas`)).toHaveCount(1);
  }
  // The demo's open incident lies in the last 30 days, so it is drawn as a band.
  await expect(page.getByTestId('incident-bands')).toContainText('Slow search results');
  const drawn = await page.evaluate(() => ['support-volume', 'support-frt', 'support-csat'].map((id) => {
    const chart = (window as any).echarts.getInstanceByDom(document.getElementById(id));
    const layer = chart.getOption().series.find((s: any) => s.name === 'Incidents');
    return layer ? layer.markArea.data.length : 0;
  }));
  const listed = await page.getByTestId('incident-bands').locator('li').count();
  expect(drawn).toEqual([listed, listed, listed]);
  const tickets = num(await page.getByTestId('tile-tickets').locator('.tile-value').textContent());
  const cells = await page.locator('[data-testid=heatmap] td.hm-cell').allTextContents();
  expect(cells).toHaveLength(7 * 24);
  expect(cells.map(num).reduce((a, b) => a + b, 0)).toBe(tickets);
});

test('drilling into a channel lists its tickets: filtered, sortable, paged', async ({ page }) => {
  await page.goto('/support?range=30d');
  const chat = page.getByTestId('channel-row').filter({ hasText: 'chat' });
  const expected = num(await chat.getByTestId('channel-tickets').textContent());
  expect(expected).toBeGreaterThan(50);
  await chat.getByTestId('channel-tickets').click();
  await expect(page).toHaveURL(/\/support\/tickets\?.*channel=chat/);
  await expect(page.getByTestId('chip-channel')).toContainText('chat');
  await expect(page.getByTestId('pager').first()).toContainText(`${expected.toLocaleString('en-US')} tickets`);
  await expect(page.getByTestId('ticket-row')).toHaveCount(50);
  const channels = await page.locator('[data-testid=ticket-row] td[data-col=channel]').allTextContents();
  expect(new Set(channels)).toEqual(new Set(['chat']));

  // Sort by satisfaction: lowest first, and the filter stays.
  await page.getByRole('columnheader', { name: /CSAT/ }).getByRole('link').click();
  await expect(page).toHaveURL(/sort=satisfaction/);
  await expect(page.getByRole('columnheader', { name: /CSAT/ })).toHaveAttribute('aria-sort', 'ascending');
  const scores = (await page.locator('[data-testid=ticket-row] td[data-col=satisfaction]').allTextContents())
    .filter((s) => s !== '—').map(Number);
  expect(scores.length).toBeGreaterThan(0);
  expect([...scores].sort((a, b) => a - b)).toEqual(scores);
  await expect(page.getByTestId('chip-channel')).toBeVisible();

  // The next page keeps sort and filter.
  await page.getByRole('link', { name: 'Next →' }).first().click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page).toHaveURL(/sort=satisfaction/);
  await expect(page.getByTestId('pager').first()).toContainText('Page 2 of');
  expect(new Set(await page.locator('[data-testid=ticket-row] td[data-col=channel]').allTextContents())).toEqual(new Set(['chat']));
});

test('clicking a bar of the volume chart opens that period\'s tickets of that channel', async ({ page }) => {
  await page.goto('/support?range=30d');
  await expect(page.locator('#support-volume canvas')).toHaveCount(1);
  // Fire ECharts' own click event on series 0 (the first channel), point 10.
  const channel = await page.evaluate(() => {
    const el = document.getElementById('support-volume')!;
    const chart = (window as any).echarts.getInstanceByDom(el);
    const series = chart.getOption().series[0];
    chart.trigger('click', { componentType: 'series', seriesIndex: 0, dataIndex: 10 });
    return series.name as string;
  });
  await expect(page).toHaveURL(/\/support\/tickets\?.*from=\d{4}-\d\d-\d\d.*to=\d{4}-\d\d-\d\d/);
  await expect(page).toHaveURL(new RegExp(`channel=${channel}`));
  const url = new URL(page.url());
  expect(url.searchParams.get('from')).toBe(url.searchParams.get('to'));
  const rows = page.locator('[data-testid=ticket-row] td[data-col=channel]');
  await expect(rows.first()).toHaveText(channel);
});

test('support tiles carry their target, a status word and the metric definition', async ({ page }) => {
  await page.goto('/support');
  const frt = page.getByTestId('tile-frt');
  await expect(frt.locator('.tile-target').first()).toHaveText("Target ≤ 2 h 0 min");
  await expect(frt.getByTestId('tile-status')).toHaveText(/On target|Near target|Off target/);
  await expect(frt).toHaveClass(/status-(good|warn|bad)/);
  await expect(page.getByTestId('tile-fcr').locator('.tile-target')).toHaveText(/^Target ≥ \d+(\.\d)?%$/);
  await frt.getByLabel('About First response time').click();
  await expect(frt.getByTestId('metric-info')).toContainText('Formula');
});

test('support tiles show their change against the comparison period, and none when it is off', async ({ page }) => {
  await page.goto('/support?range=30d');
  await expect(page.getByTestId('support-compared')).toContainText('Compared with');
  for (const id of ['tile-frt', 'tile-resolution', 'tile-fcr', 'tile-csat', 'tile-tickets', 'tile-backlog']) {
    await expect(page.getByTestId(id).getByTestId('tile-change')).toHaveText(/vs comparison$|^no comparison$/);
  }
  // The demo data covers the period before: FCR's change is in points, coloured by direction.
  const fcr = page.getByTestId('tile-fcr').getByTestId('tile-change');
  await expect(fcr).toHaveText(/^[+±−-]?\d+\.\d pts vs comparison$/);
  await expect(fcr).toHaveClass(/better|worse|flat/);
  await page.goto('/support?range=30d&compare=none');
  await expect(page.getByTestId('support-compared')).toHaveText('No comparison');
  await expect(page.getByTestId('tile-frt').getByTestId('tile-change')).toHaveCount(0);
});

test('the channel mix downloads as CSV with the rows the table shows', async ({ page }) => {
  await page.goto('/support?range=30d');
  const panel = page.locator('section.panel', { has: page.getByTestId('channel-mix') });
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('csv-link').click()]);
  expect(download.suggestedFilename()).toBe('channel-mix.csv');
  const fs = await import('node:fs');
  const lines = fs.readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
  expect(lines[0]).toBe('Channel,Tickets,Share %,Band min %,Band max %,In band');
  const rows = page.getByTestId('channel-row');
  expect(lines.length - 1).toBe(await rows.count());
  const first = rows.first();
  const name = (await first.locator('th').textContent())!.trim();
  const tickets = (await first.locator('td').first().textContent())!.trim().replace(/,/g, '');
  expect(lines[1].startsWith(`${name},${tickets},`)).toBe(true);
});

test('the ticket list downloads the page it shows as CSV', async ({ page }) => {
  await page.goto('/support/tickets?range=30d&channel=email');
  const rows = page.getByTestId('ticket-row');
  await expect(rows.first()).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-link').click()]);
  expect(download.suggestedFilename()).toBe('tickets.csv');
  const fs = await import('node:fs');
  const lines = fs.readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/^Ticket,Created,Channel,Status,Priority,First response \(s\)/);
  expect(lines.length - 1).toBe(await rows.count());
  // Every row is an email ticket, as the filter says.
  expect(lines.slice(1).every((l) => l.split(',')[2] === 'email')).toBe(true);
  const firstId = (await rows.first().locator('code').textContent())!.trim();
  expect(lines[1].split(',')[0]).toBe(firstId);
});
