/**
 * The explorer's only door to Strata: the public query API, with the session's API key on every
 * request in the header the gateway reads (`Authorization: Bearer <key>`).
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The key was refused (401) or may not read (403): the user must enter another. */
export class KeyRejectedError extends ApiError {
  override name = 'KeyRejectedError';
}

/** What the user reads when a request fails, from the status and the problem's `detail`. */
export function failureMessage(status: number, detail: string | undefined): string {
  switch (status) {
    case 401:
      return `The API key was not accepted (${detail ?? 'unknown, malformed or revoked'}). Enter a valid key.`;
    case 403:
      return `This API key may not read from the query API (${detail ?? 'forbidden'}). Enter a key with the read scope.`;
    case 404:
      return detail ?? 'Not found.';
    case 429:
      return `This API key has made too many requests; wait a moment and try again (${detail ?? 'rate limited'}).`;
    default:
      return `The query API answered ${status}${detail ? `: ${detail}` : ''}.`;
  }
}

/** `path?name=value&…`, leaving out parameters that are undefined or empty. */
export function withQuery(path: string, parameters: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** Splits NDJSON text into parsed lines, returning the unfinished tail to prepend to the next chunk. */
export function splitNdjson(buffered: string): { lines: unknown[]; rest: string } {
  const parts = buffered.split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.filter((line) => line.trim() !== '').map((line) => JSON.parse(line)), rest };
}

export interface ApiClient {
  json<T>(path: string): Promise<T>;
  text(path: string, accept: string): Promise<string>;
  /** Reads an NDJSON stream, calling `enough` after each chunk; stops the download once it says so. */
  ndjson(path: string, enough: (lines: unknown[]) => boolean): Promise<unknown[]>;
}

export function createApiClient(options: {
  baseUrl?: string;
  key: () => string | null;
  onKeyRejected: (message: string) => void;
}): ApiClient {
  const request = async (path: string, accept: string): Promise<Response> => {
    const key = options.key();
    const headers: Record<string, string> = { accept };
    if (key) headers.authorization = `Bearer ${key}`;
    let response: Response;
    try {
      response = await fetch(`${options.baseUrl ?? ''}${path}`, { headers });
    } catch (error) {
      throw new ApiError(0, `The query API cannot be reached (${(error as Error).message}).`);
    }
    if (response.ok) return response;
    const message = failureMessage(response.status, await problemDetail(response));
    if (response.status === 401 || response.status === 403) {
      options.onKeyRejected(message);
      throw new KeyRejectedError(response.status, message);
    }
    throw new ApiError(response.status, message);
  };

  return {
    json: async <T>(path: string) => (await (await request(path, 'application/json')).json()) as T,
    text: async (path, accept) => (await request(path, accept)).text(),
    ndjson: async (path, enough) => {
      const response = await request(path, 'application/x-ndjson');
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      const lines: unknown[] = [];
      let rest = '';
      for (;;) {
        const { done, value } = await reader.read();
        const split = splitNdjson(done ? `${rest}\n` : rest + value);
        lines.push(...split.lines);
        rest = split.rest;
        // Called on the last chunk too, so the caller sees every line.
        const satisfied = enough(lines);
        if (done) return lines;
        if (satisfied) {
          await reader.cancel();
          return lines;
        }
      }
    },
  };
}

async function problemDetail(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { detail?: unknown; message?: unknown };
    const detail = body.detail ?? body.message;
    return typeof detail === 'string' ? detail : undefined;
  } catch {
    return undefined;
  }
}
