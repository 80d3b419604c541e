import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { authorize, credentialFromHeaders, type ApiKeyVerifier, type Principal } from '@strata/auth';
import type { FastifyRequest } from 'fastify';

export const API_KEY_VERIFIER = Symbol('ApiKeyVerifier');

export type AuthenticatedRequest = FastifyRequest & { principal: Principal };

/**
 * Requires a valid API key with the write scope (401 without one, 403 without the scope). Whether the
 * key may write each event's namespace is checked per event, once the events are known.
 */
@Injectable()
export class WriteKeyGuard implements CanActivate {
  constructor(@Inject(API_KEY_VERIFIER) private readonly verifier: Pick<ApiKeyVerifier, 'verify'>) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = credentialFromHeaders(request.headers);
    if (!key) {
      throw new UnauthorizedException(
        'an API key is required: send "Authorization: Bearer <key>" or "X-Api-Key: <key>"',
      );
    }
    const principal = await this.verifier.verify(key);
    if (!principal) throw new UnauthorizedException('the API key is unknown, malformed or revoked');
    const decision = authorize(principal, 'write');
    if (!decision.allowed) throw new ForbiddenException(decision.reason);
    request.principal = principal;
    return true;
  }
}
