import { expect, test, type Page } from '@playwright/test';

// A person's session: many client-side navigations in one tab. Every page used to open its
// own live stream and never close it; after three navigations the browser's six connections
// per host were all streams and the app froze (issue 18, item 1).

// Counts the EventSources a document opens and how many are still open.
const countStreams = () => {
  const w = window as unknown as { __streams: EventSource[]; EventSource: typeof EventSource };
  w.__streams = [];
  const Original = w.EventSource;
  w.EventSource = class extends Original {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      w.__streams.push(this);
    }
  };
};

const openStreams = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __streams: EventSource[] }).__streams.filter(
      (s) => s.readyState !== EventSource.CLOSED,
    ).length,
  );

const live = (page: Page) =>
  expect(page.getByTestId('live-badge')).toHaveText('Live', { timeout: 10_000 });

// A click on the page's own link, as a person makes it: the router navigates in place.
async function follow(page: Page, href: string) {
  await page.evaluate((h) => {
    const a = document.querySelector<HTMLAnchorElement>(`a[href="${h}"]`);
    if (!a) throw new Error(`no link to ${h}`);
    a.click();
  }, href);
  await expect(page).toHaveURL(new RegExp(`${href.replace(/[?]/g, '\\?')}(\\?|$)`));
}

test('twenty navigations keep the page live on one stream', async ({ page }) => {
  await page.addInitScript(countStreams);
  await page.goto('/');
  await live(page);
  const route = ['/support', '/voice', '/partners', '/', '/journey', '/sales', '/support', '/'];
  let steps = 0;
  const check = async (what: string) => {
    steps += 1;
    await live(page);
    expect(await openStreams(page), `open streams after ${what}`).toBeLessThanOrEqual(1);
    const nav = page.getByRole('navigation', { name: 'Account' });
    await expect(nav.getByRole('link', { name: 'Support', exact: true })).toBeVisible();
  };
  for (const href of route) {
    await follow(page, href);
    await check(`going to ${href}`);
  }
  for (let i = 0; i < 4; i++) {
    await page.goBack();
    await check('Back');
  }
  for (let i = 0; i < 4; i++) {
    await page.goForward();
    await check('Forward');
  }
  for (const href of ['/voice', '/partners', '/', '/support']) {
    await follow(page, href);
    await check(`going to ${href}`);
  }
  expect(steps).toBeGreaterThanOrEqual(20);
  // Still responsive: a new request is answered while the stream stays open.
  const r = await page.request.get('/healthz');
  expect(r.ok()).toBeTruthy();
});
