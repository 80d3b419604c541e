import type { Author, Item, LabelNode } from './labels';
import { canonicalJson } from './labels';
import {
  inputsMadeInto,
  type ArtifactRef,
  type Release,
  type Retraction,
  type Review,
  type Run,
  type Step,
} from './lineage';

/**
 * W3C PROV-JSON (https://www.w3.org/submissions/prov-json/) of what the views know about some items,
 * labels, runs and a release. Labels, items and artifacts are entities; the making of each label
 * (annotation or correction), each review, retraction and pipeline step are activities; annotators,
 * models, rules and pipelines are agents. A correction is a wasDerivedFrom of type prov:Revision.
 */
export interface ProvenanceFacts {
  items: Item[];
  labels: LabelNode[];
  reviews: Review[];
  retractions: Retraction[];
  runs: Run[];
  steps: Step[];
  release?: { release: Release; memberLabelIds: string[]; truncated: boolean };
}

type Attributes = Record<string, unknown>;
export type ProvDocumentJson = Record<string, Record<string, Attributes | string>>;

export const provPrefixes = {
  strata: 'urn:strata:ns#',
  item: 'urn:strata:item:',
  label: 'urn:strata:label:',
  activity: 'urn:strata:activity:',
  run: 'urn:strata:run:',
  step: 'urn:strata:step:',
  artifact: 'urn:strata:artifact:',
  agent: 'urn:strata:agent:',
  snapshot: 'urn:strata:snapshot:',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  prov: 'http://www.w3.org/ns/prov#',
} as const;

type Prefix = Exclude<keyof typeof provPrefixes, 'xsd' | 'prov'>;

/** A qualified name; the local part is percent-encoded because ids are free text (`:`, `@`, spaces). */
const qname = (prefix: Prefix, ...parts: string[]) => `${prefix}:${parts.map(encodeURIComponent).join('/')}`;
const qualified = (name: string) => ({ $: name, type: 'prov:QUALIFIED_NAME' });
const optional = (name: string, value: unknown): Attributes =>
  value === null || value === undefined ? {} : { [name]: value };

export const itemEntityId = (itemId: string) => qname('item', itemId);
export const labelEntityId = (labelId: string) => qname('label', labelId);
export const artifactEntityId = (ref: ArtifactRef) =>
  ref.kind === 'ITEM'
    ? itemEntityId(ref.id)
    : qname('artifact', ref.kind.toLowerCase(), ref.id, ref.version ?? '');
const authorAgentId = (author: Author) => qname('agent', author.kind.toLowerCase(), author.id);
const pipelineAgentId = (run: Run) => qname('agent', 'pipeline', run.job.namespace, run.job.name);

const agentTypes: Record<Author['kind'], string> = {
  HUMAN: 'prov:Person',
  MODEL: 'prov:SoftwareAgent',
  RULE: 'prov:SoftwareAgent',
};

/** Accumulates records; relation ids are blank nodes numbered in insertion order, so output is stable. */
class ProvDocumentBuilder {
  private readonly sections: ProvDocumentJson = {};
  private relationCount = 0;

  record(section: string, id: string, attributes: Attributes): void {
    const records = (this.sections[section] ??= {});
    records[id] = { ...((records[id] as Attributes | undefined) ?? {}), ...attributes };
  }

  relation(section: string, attributes: Attributes): void {
    this.relationCount += 1;
    this.record(section, `_:r${this.relationCount}`, attributes);
  }

  build(): ProvDocumentJson {
    return { prefix: { ...provPrefixes }, ...this.sections };
  }
}

export function buildProvDocument(facts: ProvenanceFacts): ProvDocumentJson {
  const doc = new ProvDocumentBuilder();
  const runsById = new Map(facts.runs.map((run) => [run.runId, run]));

  for (const item of facts.items) {
    doc.record('entity', itemEntityId(item.itemId), {
      'prov:type': qualified('strata:Item'),
      'prov:location': item.uri,
      'strata:contentHash': item.contentHash,
      'strata:mediaType': item.mediaType,
      ...optional('strata:source', item.source),
      ...optional('strata:license', item.license),
    });
  }

  for (const label of facts.labels) {
    const entity = labelEntityId(label.labelId);
    const activity = qname('activity', label.parents.length ? 'correction' : 'annotation', label.labelId);
    const agent = authorAgentId(label.author);
    doc.record('entity', entity, {
      'prov:type': qualified('strata:Label'),
      'strata:task': label.task,
      'strata:payload': canonicalJson(label.payload),
      'strata:item': qualified(itemEntityId(label.itemId)),
      ...optional('strata:tool', label.tool),
      ...optional('strata:confidence', label.confidence),
      ...optional('strata:guidelineVersion', label.guidelineVersion),
    });
    doc.record('activity', activity, {
      'prov:type': qualified(label.parents.length ? 'strata:Correction' : 'strata:Annotation'),
      'prov:startTime': label.position.eventTime,
      'prov:endTime': label.position.eventTime,
      ...optional('strata:reason', label.reason),
    });
    doc.record('agent', agent, { 'prov:type': qualified(agentTypes[label.author.kind]) });
    doc.relation('wasGeneratedBy', { 'prov:entity': entity, 'prov:activity': activity });
    doc.relation('wasAssociatedWith', { 'prov:activity': activity, 'prov:agent': agent });
    doc.relation('wasAttributedTo', { 'prov:entity': entity, 'prov:agent': agent });
    doc.relation('used', { 'prov:activity': activity, 'prov:entity': itemEntityId(label.itemId) });
    for (const parent of label.parents) {
      doc.relation('used', { 'prov:activity': activity, 'prov:entity': labelEntityId(parent) });
      doc.relation('wasDerivedFrom', {
        'prov:generatedEntity': entity,
        'prov:usedEntity': labelEntityId(parent),
        'prov:activity': activity,
        'prov:type': qualified('prov:Revision'),
      });
    }
  }

  facts.reviews.forEach((review) => {
    const activity = qname('activity', 'review', review.labelId, String(review.position.offset));
    const agent = authorAgentId(review.reviewer);
    doc.record('activity', activity, {
      'prov:type': qualified('strata:Review'),
      'prov:startTime': review.position.eventTime,
      'prov:endTime': review.position.eventTime,
      'strata:verdict': review.verdict,
      ...optional('strata:comment', review.comment),
    });
    doc.record('agent', agent, { 'prov:type': qualified(agentTypes[review.reviewer.kind]) });
    doc.relation('used', { 'prov:activity': activity, 'prov:entity': labelEntityId(review.labelId) });
    doc.relation('wasAssociatedWith', { 'prov:activity': activity, 'prov:agent': agent });
  });

  for (const retraction of facts.retractions) {
    const activity = qname('activity', 'retraction', retraction.labelId);
    doc.record('activity', activity, {
      'prov:type': qualified('strata:Retraction'),
      'prov:startTime': retraction.position.eventTime,
      ...optional('strata:reason', retraction.reason),
    });
    doc.relation('wasInvalidatedBy', {
      'prov:entity': labelEntityId(retraction.labelId),
      'prov:activity': activity,
      'prov:time': retraction.position.eventTime,
    });
  }

  for (const run of facts.runs) {
    const activity = qname('run', run.runId);
    doc.record('activity', activity, {
      'prov:type': qualified('strata:Run'),
      'prov:startTime': run.startedAt,
      ...optional('prov:endTime', run.endedAt),
      'strata:status': run.status,
      'strata:parameters': canonicalJson(run.parameters),
      ...optional('strata:codeVersion', run.codeVersion),
    });
    doc.record('agent', pipelineAgentId(run), {
      'prov:type': qualified('prov:SoftwareAgent'),
      'strata:job': `${run.job.namespace}/${run.job.name}`,
    });
    doc.relation('wasAssociatedWith', { 'prov:activity': activity, 'prov:agent': pipelineAgentId(run) });
    if (run.parentRunId) {
      doc.relation('wasInformedBy', {
        'prov:informed': activity,
        'prov:informant': qname('run', run.parentRunId),
      });
    }
  }

  for (const step of facts.steps) {
    const activity = qname('step', step.stepId);
    const run = runsById.get(step.runId);
    doc.record('activity', activity, {
      'prov:type': qualified('strata:Transformation'),
      'prov:startTime': step.startedAt,
      'prov:endTime': step.endedAt,
      'strata:operation': `${step.operation.name}@${step.operation.version}`,
      'strata:parameters': canonicalJson(step.parameters),
      'strata:run': qualified(qname('run', step.runId)),
      ...optional('strata:inputRecords', step.inputRecords),
      ...optional('strata:outputRecords', step.outputRecords),
    });
    doc.relation('wasInformedBy', { 'prov:informed': activity, 'prov:informant': qname('run', step.runId) });
    if (run)
      doc.relation('wasAssociatedWith', { 'prov:activity': activity, 'prov:agent': pipelineAgentId(run) });
    for (const input of step.inputs) {
      doc.record('entity', artifactEntityId(input), artifactAttributes(input));
      doc.relation('used', { 'prov:activity': activity, 'prov:entity': artifactEntityId(input) });
    }
    const inputsOf = inputsMadeInto(step);
    for (const output of step.outputs) {
      doc.record('entity', artifactEntityId(output), artifactAttributes(output));
      doc.relation('wasGeneratedBy', { 'prov:entity': artifactEntityId(output), 'prov:activity': activity });
      for (const input of inputsOf(output)) {
        doc.relation('wasDerivedFrom', {
          'prov:generatedEntity': artifactEntityId(output),
          'prov:usedEntity': artifactEntityId(input),
          'prov:activity': activity,
        });
      }
    }
  }

  if (facts.release) addRelease(doc, facts.release);
  return doc.build();
}

function artifactAttributes(ref: ArtifactRef): Attributes {
  return {
    'prov:type': qualified(ref.kind === 'ITEM' ? 'strata:Item' : 'strata:Artifact'),
    'strata:kind': ref.kind,
    ...optional('strata:version', ref.version),
  };
}

function addRelease(doc: ProvDocumentBuilder, facts: NonNullable<ProvenanceFacts['release']>): void {
  const { release } = facts;
  const entity = qname('snapshot', release.snapshotId);
  const activity = qname('activity', 'freeze', release.snapshotId);
  doc.record('entity', entity, {
    'prov:type': [qualified('prov:Collection'), qualified('strata:Release')],
    'prov:label': release.name,
    'strata:strategy': release.strategy,
    'strata:manifestSha256': release.manifestSha256,
    'strata:itemCount': release.itemCount,
    'strata:labelCount': release.labelCount,
    // Members beyond the node cap are left out; say so rather than publish a silently partial release.
    'strata:membersTruncated': facts.truncated,
    ...optional('strata:dataset', release.dataset),
    ...optional('strata:task', release.task),
  });
  doc.record('activity', activity, {
    'prov:type': qualified('strata:Freeze'),
    'prov:startTime': release.createdAt,
    'strata:offsets': release.offsets.map((o) => `${o.topic}:${o.partition}=${o.offset}`).join(','),
  });
  doc.relation('wasGeneratedBy', { 'prov:entity': entity, 'prov:activity': activity });
  for (const labelId of facts.memberLabelIds) {
    doc.relation('hadMember', { 'prov:collection': entity, 'prov:entity': labelEntityId(labelId) });
  }
}
