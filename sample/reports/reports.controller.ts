import { Controller, Get } from '@nestjs/common';
import { CorsPolicy } from '../../lib/index.js';

@Controller('reports')
export class ReportsController {
  /** Module defaults: readable from the app's origin. */
  @Get('summary')
  summary() {
    return { orders: 42, revenue: 1234.5 };
  }

  /** Same-origin only: no CORS headers, even for the origin the module allows. */
  @Get('export')
  @CorsPolicy(false)
  export() {
    return {
      rows: [
        ['order', 'total'],
        ['1', '12.00'],
      ],
    };
  }
}
