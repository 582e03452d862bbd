import { setTimeout as sleep } from 'node:timers/promises';

/** The sites that registered an embeddable widget. Stands in for a database table. */
export class SiteRegistry {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: Iterable<string>) {
    this.origins = new Set(origins);
  }

  /** Async, like the database query it stands in for. */
  async isRegistered(origin: string): Promise<boolean> {
    await sleep(5);
    return this.origins.has(origin);
  }
}
