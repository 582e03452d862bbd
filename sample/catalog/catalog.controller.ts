import { randomUUID } from 'node:crypto';
import { Controller, Get, Res } from '@nestjs/common';
import type { HttpResponse } from '../http-types.js';

/** No `@CorsPolicy()` here: the module's defaults apply (the app's origin, `X-Request-Id` exposed). */
@Controller('catalog')
export class CatalogController {
  @Get()
  list(@Res({ passthrough: true }) response: HttpResponse) {
    response.header('X-Request-Id', randomUUID()); // exposed by the module's defaults
    response.header('X-Backend-Node', 'catalog-1'); // not exposed: a page cannot read it
    return [
      { sku: 'tea-01', name: 'Green tea', price: 4.5 },
      { sku: 'cup-02', name: 'Tea cup', price: 12 },
    ];
  }
}
