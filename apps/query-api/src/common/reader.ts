import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, Principal } from '@strata/auth';
import { visibilityOf } from '../domain/read-scope';

function principalOf(context: ExecutionContext): Principal {
  const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
  // Only reachable when a handler lacks @RequiresApiKey: fail closed rather than show everything.
  if (!principal) throw new Error('no API key principal on the request: is the handler guarded?');
  return principal;
}

/** The verified API key of the request (see RequiresApiKey). */
export const ApiKeyPrincipal = createParamDecorator((_: unknown, context: ExecutionContext) =>
  principalOf(context),
);

/** Whose data the request may see: its API key's namespaces. */
export const ReaderVisibility = createParamDecorator((_: unknown, context: ExecutionContext) =>
  visibilityOf(principalOf(context).namespaces),
);
