import type { RegionConfig } from '../../config/load.js';
import type { CalendarDate } from '../domain/calendar.js';
import { AppError } from '../errors.js';
import { today, type RegionContext } from '../services/context.js';
import { createBrpPersonenClient, createBrpUpdateClient, type BrpHttpOptions, type BrpPersonenClient, type BrpUpdateClient } from './client.js';
import { createLocalPersonRegistry } from './local-registry.js';
import type { Person } from './person.js';

/**
 * The population register as the rest of the product sees it: one interface, two sources
 * (config `brp.source`): the BRP over HTTP ('api') or the region's own local registry
 * ('local'). With 'none' there is no register and `persons` is null.
 *
 * Failures: with the BRP as source every method may throw BrpUnavailableError ("BRP down":
 * try again later) or BrpRequestError (the BRP refused the request); see ./errors.ts.
 */
export interface PersonRegistry {
  /**
   * The person with this BSN, or null when the register does not know it. Takes a BSN (9 digits;
   * anything else throws INVALID_BSN): a youth with a verwijsindexservicenummer is not in the BRP.
   */
  lookup(bsn: string): Promise<Person | null>;
  /** Starts following a person: from now on their changes show in changesSince. Following twice is harmless. */
  follow(bsn: string): Promise<void>;
  /** Stops following a person (e.g. when their last signal is removed). */
  unfollow(bsn: string): Promise<void>;
  /**
   * The followed persons whose data changed on or after `isoDate` (YYYY-MM-DD), one entry per
   * person. `changedOn`: for the local registry the date recorded with the change; the BRP's
   * Update API tells which persons changed but not when, so there it is the date of asking.
   * Ask again from the date of the previous call (inclusive: a person may be reported twice).
   */
  changesSince(isoDate: CalendarDate): Promise<{ bsn: string; changedOn: CalendarDate }[]>;
}

export type BrpApiConfig = NonNullable<RegionConfig['brp']['api']>;

/** The BRP over HTTP: BRP API Personen for lookups, the BRP Update API for volgindicaties and wijzigingen. */
export function createApiPersonRegistry(personen: BrpPersonenClient, update: BrpUpdateClient, todayIs: () => CalendarDate): PersonRegistry {
  return {
    lookup: (bsn) => personen.lookup(bsn),
    async follow(bsn) {
      await update.follow(bsn);
    },
    async unfollow(bsn) {
      await update.endFollow(bsn, todayIs());
    },
    async changesSince(isoDate) {
      const asked = todayIs();
      return (await update.wijzigingen(isoDate)).map((bsn) => ({ bsn, changedOn: asked }));
    },
  };
}

/** The HTTP options of both BRP APIs from config. */
export function brpHttpOptions(api: BrpApiConfig): { personen: BrpHttpOptions; update: BrpHttpOptions } {
  const common = { apiKey: api.apiKey, apiKeyHeader: api.apiKeyHeader, timeoutMs: api.timeoutMs };
  return { personen: { ...common, baseUrl: api.personenUrl }, update: { ...common, baseUrl: api.updateUrl } };
}

/** The registry config asks for: null for source 'none'. */
export function createPersonRegistry(ctx: RegionContext): PersonRegistry | null {
  const { source, api } = ctx.config.brp;
  switch (source) {
    case 'none':
      return null;
    case 'local':
      return createLocalPersonRegistry(ctx);
    case 'api': {
      if (!api) throw new AppError('CONFIG_ERROR', 'brp.api is required when brp.source is "api"', 500);
      const options = brpHttpOptions(api);
      return createApiPersonRegistry(createBrpPersonenClient(options.personen), createBrpUpdateClient(options.update), () => today(ctx));
    }
  }
}
