import { Controller, Get } from '@nestjs/common';
import { CorsPolicy } from '../../lib/index.js';

/** The named policy `registered-sites`: an async origin function looks the site up in the registry. */
@Controller('widgets')
@CorsPolicy('registered-sites')
export class WidgetsController {
  @Get('config')
  config() {
    return { theme: 'light', items: 3 };
  }
}
