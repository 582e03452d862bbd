import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`). Playwright's own browser download is not used. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type ChromiumAvailability =
  { run: true; found: boolean } | { run: false; found: false; skipNotice: string };

/**
 * Outside CI a missing Chromium skips the suite with one line saying so. In CI (CI=true) the suite
 * runs regardless and fails in `launchChromium()`, so a CI run can never pass without a browser.
 */
export function chromiumAvailability(): ChromiumAvailability {
  const found = existsSync(CHROMIUM_PATH);
  if (found || process.env.CI === 'true') return { run: true, found };
  return {
    run: false,
    found: false,
    skipNotice:
      `Browser suite skipped: no Chromium at ${CHROMIUM_PATH}. ` +
      `Install it with \`sudo apt-get install chromium\` (or set CHROMIUM_PATH), then run npm test again.\n`,
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `CI=true but there is no Chromium at ${CHROMIUM_PATH}: the browser suite cannot run. ` +
        '.ci/run installs it with `apt-get install chromium`.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      // Every *.test host name is this machine, so pages get real, distinct origins, same-site
      // (app.site.test, api.site.test) and cross-site (evil.test). *.localhost needs no rule.
      '--host-resolver-rules=MAP *.test 127.0.0.1',
    ],
  });
}
