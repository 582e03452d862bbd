import { DynamicModule, Module } from '@nestjs/common';
import { CorsModule } from '../lib/index.js';
import { CatalogController } from './catalog/catalog.controller.js';
import { ExchangeLog } from './exchanges/exchange-log.js';
import { ExchangesController } from './exchanges/exchanges.controller.js';
import { ItemsController } from './items/items.controller.js';
import { PartnersController } from './partners/partners.controller.js';
import { ReportsController } from './reports/reports.controller.js';
import type { SampleCorsOrigins } from './sample-config.js';
import { SessionController } from './session/session.controller.js';
import { SessionStore } from './session/session.store.js';
import { SiteRegistry } from './widgets/site-registry.js';
import { WidgetsController } from './widgets/widgets.controller.js';

/** The sample API. Origins are configuration, so the decorators name policies instead of origins. */
@Module({})
export class AppModule {
  static forRoot(origins: SampleCorsOrigins): DynamicModule {
    const siteRegistry = new SiteRegistry(origins.registeredSites);
    return {
      module: AppModule,
      imports: [
        CorsModule.forRoot({
          // Defaults for every route: the app's own front end, one exposed header.
          origin: origins.app,
          exposedHeaders: ['X-Request-Id'],
          policies: {
            partners: { origin: origins.partnerPattern, exposedHeaders: ['X-Partner-Quota'] },
            'registered-sites': { origin: (origin) => siteRegistry.isRegistered(origin) },
          },
        }),
      ],
      controllers: [
        CatalogController,
        ItemsController,
        PartnersController,
        ReportsController,
        WidgetsController,
        SessionController,
        ExchangesController,
      ],
      providers: [SessionStore, ExchangeLog, { provide: SiteRegistry, useValue: siteRegistry }],
    };
  }
}
