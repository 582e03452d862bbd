import { Module } from '@nestjs/common';
import { CorsModule } from 'nestjs-cors-policy';
import { ThingsController } from './things.controller';

@Module({
  imports: [CorsModule.forRoot({ origin: 'https://app.example' })],
  controllers: [ThingsController],
})
export class AppModule {}
