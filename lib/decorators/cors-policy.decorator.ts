import { SetMetadata } from '@nestjs/common';
import { CORS_POLICY_METADATA } from '../cors.constants.js';
import type { CorsPolicyDeclaration } from '../interfaces/cors-options.interface.js';

/**
 * Declares the CORS policy of a controller or of one handler.
 *
 * - fields (`{ origin, credentials, ... }`) override the inherited ones, field by field;
 * - a name uses a policy from `CorsModule.forRoot({ policies })`;
 * - `false` switches CORS off: no CORS header is sent and preflights are refused.
 *
 * A handler's policy beats its controller's, which beats the module's defaults.
 *
 * @example
 * \@CorsPolicy({ origin: 'https://partner.example', credentials: true })
 * \@Controller('orders')
 * export class OrdersController {
 *   \@Get() list() {}
 *   \@CorsPolicy(false) \@Delete(':id') remove() {}
 * }
 */
export function CorsPolicy(policy: CorsPolicyDeclaration = {}): ClassDecorator & MethodDecorator {
  return SetMetadata(CORS_POLICY_METADATA, policy);
}
