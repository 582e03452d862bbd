import { Controller, Get, Res } from '@nestjs/common';
import { CorsPolicy } from '../../lib/index.js';
import type { HttpResponse } from '../http-types.js';

/** The named policy `partners`: partner subdomains only, `X-Partner-Quota` exposed. */
@Controller('partners')
@CorsPolicy('partners')
export class PartnersController {
  @Get('catalog')
  catalog(@Res({ passthrough: true }) response: HttpResponse) {
    response.header('X-Partner-Quota', '998');
    return [{ sku: 'tea-01', wholesalePrice: 3.1 }];
  }

  /** The handler's origin replaces the controller's; `exposedHeaders` is still inherited. */
  @Get('announcements')
  @CorsPolicy({ origin: '*' })
  announcements(@Res({ passthrough: true }) response: HttpResponse) {
    response.header('X-Partner-Quota', '998');
    return [{ title: 'New teas next month' }];
  }
}
