import {
  Controller,
  Get,
  Injectable,
  type INestApplication,
  Module,
  type Type,
} from '@nestjs/common';
import request from 'supertest';
import {
  CorsConfigurationError,
  CorsModule,
  type CorsModuleOptions,
  type CorsOptionsFactory,
} from '../../lib/index.js';
import { adapters, createApp } from './adapters.js';

@Injectable()
class Settings {
  readonly origins = ['https://from-config.example'];
}

@Module({ providers: [Settings], exports: [Settings] })
class SettingsModule {}

@Injectable()
class CorsSettings implements CorsOptionsFactory {
  constructor(private readonly settings: Settings) {}
  async createCorsOptions(): Promise<CorsModuleOptions> {
    return { origin: this.settings.origins, credentials: true };
  }
}

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return [];
  }
}

const setups: Array<[string, Type]> = [
  [
    'useFactory with inject',
    (() => {
      @Module({
        imports: [
          CorsModule.forRootAsync({
            imports: [SettingsModule],
            inject: [Settings],
            useFactory: async (settings: Settings) => ({
              origin: settings.origins,
              credentials: true,
            }),
          }),
        ],
        controllers: [ThingsController],
      })
      class FactoryApp {}
      return FactoryApp;
    })(),
  ],
  [
    'useClass',
    (() => {
      @Module({
        imports: [CorsModule.forRootAsync({ imports: [SettingsModule], useClass: CorsSettings })],
        controllers: [ThingsController],
      })
      class ClassApp {}
      return ClassApp;
    })(),
  ],
];

describe.each(adapters)('forRootAsync on %s', (_platform, makeAdapter) => {
  describe.each(setups)('%s', (_setup, module) => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createApp(module, makeAdapter);
    });
    afterAll(() => app.close());

    it('applies the options it resolves', async () => {
      const res = await request(app.getHttpServer())
        .get('/things')
        .set('Origin', 'https://from-config.example')
        .expect(200);
      expect(res.headers['access-control-allow-origin']).toBe('https://from-config.example');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    });
  });

  it('validates async options at startup like sync ones', async () => {
    @Module({
      imports: [
        CorsModule.forRootAsync({ useFactory: () => ({ origin: '*', credentials: true }) }),
      ],
      controllers: [ThingsController],
    })
    class BadAsyncApp {}
    await expect(createApp(BadAsyncApp, makeAdapter)).rejects.toBeInstanceOf(
      CorsConfigurationError,
    );
  });
});
