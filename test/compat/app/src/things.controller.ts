import { Controller, Get } from '@nestjs/common';
import { CorsPolicy } from 'nestjs-cors-policy';

@CorsPolicy({ origin: 'https://partner.example', credentials: true })
@Controller('things')
export class ThingsController {
  @Get()
  list(): string[] {
    return ['ok'];
  }

  @CorsPolicy(false)
  @Get('internal')
  internal(): string[] {
    return ['internal'];
  }
}
