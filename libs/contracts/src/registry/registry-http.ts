/** Confluent's media type, which every registry accepts. */
const contentType = 'application/vnd.schemaregistry.v1+json';

export interface RegistryAnswer<T> {
  status: number;
  body: T & { error_code?: number; message?: string };
}

/** One JSON request to a Confluent-compatible registry; non-2xx answers are returned, not thrown. */
export async function registryRequest<T>(
  registryUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<RegistryAnswer<T>> {
  const response = await fetch(new URL(path, registryUrl), {
    method,
    headers: { 'content-type': contentType, accept: contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as RegistryAnswer<T>['body'] };
}

export function subjectPath(subject: string): string {
  return `/subjects/${encodeURIComponent(subject)}`;
}
