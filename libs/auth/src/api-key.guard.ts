import {
  applyDecorators,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  type DocumentBuilder,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorize, credentialFromHeaders, type ApiKeyScope, type Principal } from './keys';
import type { KeyRateLimiter } from './rate-limit';
import type { ApiKeyVerifier } from './verifier';

/** What the guard needs, provided by the app under {@link API_KEY_ACCESS}. */
export interface ApiKeyAccess {
  keys: Pick<ApiKeyVerifier, 'verify'>;
  /** Per-key request budget; absent: unlimited. */
  rateLimiter?: KeyRateLimiter;
}

export const API_KEY_ACCESS = Symbol('strata.auth.api-key-access');

export type AuthenticatedRequest = FastifyRequest & { principal: Principal };

const requiredScopeKey = 'strata:required-scope';
/** OpenAPI security scheme names, declared by {@link withApiKeySecurity}. */
const bearerScheme = 'bearer';
const headerScheme = 'apiKey';

/**
 * Requires an API key with `scope` on a controller or handler: 401 without a valid key, 403 without
 * the scope, 429 (with Retry-After) past the key's rate limit. Also documents the requirement and
 * those answers in OpenAPI.
 */
export function RequiresApiKey(scope: ApiKeyScope) {
  return applyDecorators(
    SetMetadata(requiredScopeKey, scope),
    UseGuards(ApiKeyGuard),
    ApiBearerAuth(bearerScheme),
    ApiSecurity(headerScheme),
    ApiUnauthorizedResponse({ description: 'no API key, or one that is unknown, malformed or revoked' }),
    ApiForbiddenResponse({ description: `the API key lacks the ${scope} scope (admin implies every scope)` }),
    ApiTooManyRequestsResponse({ description: 'the API key exceeded its rate limit; see Retry-After' }),
  );
}

/** On a handler of a controller with {@link RequiresApiKey}: this handler needs `scope` instead. */
export function RequiresScope(scope: ApiKeyScope) {
  return applyDecorators(
    SetMetadata(requiredScopeKey, scope),
    ApiForbiddenResponse({ description: `the API key lacks the ${scope} scope (admin implies every scope)` }),
  );
}

/** Declares the two ways to present a key (`Authorization: Bearer` or `X-Api-Key`) in an OpenAPI document. */
export function withApiKeySecurity(builder: DocumentBuilder): DocumentBuilder {
  return builder
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'an API key: `stk_<id>_<secret>`' },
      bearerScheme,
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, headerScheme);
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(API_KEY_ACCESS) private readonly access: ApiKeyAccess,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.getAllAndOverride<ApiKeyScope | undefined>(requiredScopeKey, [
      context.getHandler(),
      context.getClass(),
    ]);
    // Guarding without a declared scope is a programming error; refusing is the safe answer to it.
    if (!scope) throw new ForbiddenException('this endpoint declares no API key scope');
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const key = credentialFromHeaders(request.headers);
    if (!key) {
      throw new UnauthorizedException(
        'an API key is required: send "Authorization: Bearer <key>" or "X-Api-Key: <key>"',
      );
    }
    const principal = await this.access.keys.verify(key);
    if (!principal) throw new UnauthorizedException('the API key is unknown, malformed or revoked');
    const decision = authorize(principal, scope);
    if (!decision.allowed) throw new ForbiddenException(decision.reason);
    const limiter = this.access.rateLimiter;
    if (limiter) {
      const { allowed, retryAfterSeconds } = limiter.take(principal.keyId);
      if (!allowed) {
        void http.getResponse<FastifyReply>().header('retry-after', String(retryAfterSeconds));
        throw new HttpException(
          {
            statusCode: HttpStatus.TOO_MANY_REQUESTS,
            error: 'Too Many Requests',
            message: `rate limit: API key "${principal.name}" exceeded ${limiter.describe()}; retry after ${retryAfterSeconds} s`,
            limit: 'rateLimit',
          },
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
    }
    request.principal = principal;
    return true;
  }
}
