import { Controller, Get, Param } from '@nestjs/common';
import { ExchangeLog } from './exchange-log.js';

/** What the server saw for one demo scenario. Module defaults: the demo page's origin reads it. */
@Controller('demo/exchanges')
export class ExchangesController {
  constructor(private readonly log: ExchangeLog) {}

  @Get(':tag')
  byTag(@Param('tag') tag: string) {
    return this.log.withTag(tag);
  }
}
