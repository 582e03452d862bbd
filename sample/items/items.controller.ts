import { Body, Controller, Delete, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import { CorsPolicy } from '../../lib/index.js';
import { BearerTokenGuard } from './bearer-token.guard.js';

/** Origin from the module's defaults; this controller adds the request headers its clients send. */
@Controller('items')
@CorsPolicy({ allowedHeaders: ['Content-Type', 'Authorization'] })
@UseGuards(BearerTokenGuard)
export class ItemsController {
  @Put(':id')
  replace(@Param('id') id: string, @Body() body: Record<string, unknown>) {
    return { ...body, id };
  }

  @Delete(':id')
  @HttpCode(204)
  remove() {}
}
