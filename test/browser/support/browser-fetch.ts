import type { Page } from 'playwright-core';

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  credentials?: 'omit' | 'same-origin' | 'include';
}

/** What the page saw: a response it may read, or a rejected fetch (how a CORS failure looks). */
export type BrowserFetchResult =
  | { outcome: 'response'; status: number; headers: Record<string, string | null>; body: string }
  | { outcome: 'blocked'; error: string };

/**
 * Calls `fetch()` inside the page, so Chromium's own CORS check decides what the page gets.
 * `readHeaders` are read with `response.headers.get()`, which returns null for unexposed headers.
 */
export function browserFetch(
  page: Page,
  url: string,
  init: FetchInit = {},
  readHeaders: string[] = [],
): Promise<BrowserFetchResult> {
  return page.evaluate(
    async ({ url, init, readHeaders }) => {
      try {
        const response = await fetch(url, init);
        const headers: Record<string, string | null> = {};
        for (const name of readHeaders) headers[name] = response.headers.get(name);
        return {
          outcome: 'response' as const,
          status: response.status,
          headers,
          body: await response.text(),
        };
      } catch (error) {
        return { outcome: 'blocked' as const, error: String(error) };
      }
    },
    { url, init, readHeaders },
  );
}
