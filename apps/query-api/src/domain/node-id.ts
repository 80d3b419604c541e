import { BadParameterError } from '../common/errors';
import { isUuid } from './as-of';

export const artifactKinds = ['ITEM', 'DATASET', 'MODEL', 'FILE'] as const;
export type ArtifactKind = (typeof artifactKinds)[number];

/** A node of the lineage/provenance graph, as named in URLs. */
export type NodeId =
  | { kind: 'item'; itemId: string }
  | { kind: 'label'; labelId: string }
  | { kind: 'run'; runId: string }
  | { kind: 'artifact'; artifactKind: ArtifactKind; id: string; version: string | null }
  | { kind: 'snapshot'; snapshotId: string };

export const nodeIdSyntax =
  'item:<id>, label:<uuid>, run:<uuid>, artifact:<item|dataset|model|file>:<id>[@<version>] or snapshot:<uuid>';
const maxIdLength = 512;
// Ids are free text chosen by producers, but control characters in one are always a client bug.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const controlCharacters = /[\u0000-\u001f\u007f]/;

/** A free-text id from a path or query (item id, dataset, task): bounded and printable, or a 400. */
export function parseIdentifier(raw: string | undefined, parameter: string): string {
  if (!raw) throw new BadParameterError(parameter, 'missing');
  if (raw.length > maxIdLength || controlCharacters.test(raw)) {
    throw new BadParameterError(parameter, `must be 1-${maxIdLength} printable characters`);
  }
  return raw;
}

/** A UUID from a path (label, run, snapshot id), lower-cased as the views store it, or a 400. */
export function parseUuid(raw: string | undefined, parameter: string): string {
  if (!raw || !isUuid(raw)) throw new BadParameterError(parameter, `"${raw ?? ''}" is not a UUID`);
  return raw.toLowerCase();
}

/** Parses a node id such as `item:img-1`, `label:<uuid>`, `artifact:model:resnet@3`; 400 naming `parameter`. */
export function parseNodeId(raw: string | undefined, parameter = 'node'): NodeId {
  const text = raw ?? '';
  const fail = (why: string): never => {
    throw new BadParameterError(parameter, `${why}; expected ${nodeIdSyntax}`);
  };
  if (text === '') return fail('missing');
  if (text.length > maxIdLength || controlCharacters.test(text)) return fail('too long or not printable');
  const colon = text.indexOf(':');
  const prefix = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  switch (prefix) {
    case 'item':
      return rest ? { kind: 'item', itemId: rest } : fail('item: needs an id');
    case 'label':
    case 'run':
    case 'snapshot': {
      if (!isUuid(rest)) return fail(`${prefix}: needs a UUID`);
      const id = rest.toLowerCase();
      if (prefix === 'label') return { kind: 'label', labelId: id };
      if (prefix === 'run') return { kind: 'run', runId: id };
      return { kind: 'snapshot', snapshotId: id };
    }
    case 'artifact': {
      const kindEnd = rest.indexOf(':');
      const artifactKind = rest.slice(0, kindEnd).toUpperCase() as ArtifactKind;
      if (kindEnd < 0 || !artifactKinds.includes(artifactKind)) return fail('unknown artifact kind');
      const idAndVersion = rest.slice(kindEnd + 1);
      // Versions never contain `@`, ids might (e-mail-like names): split at the last one.
      const at = idAndVersion.lastIndexOf('@');
      const id = at < 0 ? idAndVersion : idAndVersion.slice(0, at);
      const version = at < 0 ? null : idAndVersion.slice(at + 1);
      if (!id || version === '') return fail('artifact needs an id and, after @, a non-empty version');
      return { kind: 'artifact', artifactKind, id, version };
    }
    default:
      return fail(`unknown node kind "${prefix}"`);
  }
}

/** The inverse of parseNodeId, used for ids in responses so clients can follow them. */
export function formatNodeId(node: NodeId): string {
  switch (node.kind) {
    case 'item':
      return `item:${node.itemId}`;
    case 'label':
      return `label:${node.labelId}`;
    case 'run':
      return `run:${node.runId}`;
    case 'snapshot':
      return `snapshot:${node.snapshotId}`;
    case 'artifact':
      return `artifact:${node.artifactKind.toLowerCase()}:${node.id}${node.version === null ? '' : `@${node.version}`}`;
  }
}
