import { ErrorCode } from '../protocol/error-codes';
import { describeGroups, type DescribedGroup } from '../protocol/describe-groups';
import { findCoordinator } from '../protocol/find-coordinator';
import { heartbeat } from '../protocol/heartbeat';
import { joinGroup } from '../protocol/join-group';
import { leaveGroup } from '../protocol/leave-group';
import { listGroups } from '../protocol/list-groups';
import { offsetCommit } from '../protocol/offset-commit';
import { offsetFetch } from '../protocol/offset-fetch';
import { syncGroup } from '../protocol/sync-group';
import { route, type BrokerContext } from './context';

export const findCoordinatorRoute = route(findCoordinator, (context) => ({
  errorCode: ErrorCode.NONE,
  nodeId: context.nodeId,
  host: context.advertisedHost,
  port: context.advertisedPort,
}));

export const joinGroupRoute = route(joinGroup, (context, request, source) =>
  context.groups.join({
    ...request,
    clientId: source.clientId,
    clientHost: source.clientHost,
    requireKnownMemberId: source.apiVersion >= 4,
  }),
);

export const syncGroupRoute = route(syncGroup, (context, request) => context.groups.sync(request));

export const heartbeatRoute = route(heartbeat, (context, request) =>
  context.groups.heartbeat(request.groupId, request.generationId, request.memberId),
);

export const leaveGroupRoute = route(leaveGroup, (context, request) =>
  context.groups.leave(request.groupId, request.memberId),
);

export const offsetCommitRoute = route(offsetCommit, async (context, request) => {
  const errorCode = context.groups.checkCommit(request.groupId, request.generationId, request.memberId);
  const commits = errorCode === ErrorCode.NONE ? request.topics : [];
  await context.offsets.commit(
    request.groupId,
    commits.flatMap((topic) =>
      topic.partitions.map((partition) => ({
        topic: topic.name,
        partition: partition.partitionIndex,
        offset: partition.committedOffset,
        metadata: partition.metadata,
      })),
    ),
  );
  return {
    topics: request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((partition) => ({
        partitionIndex: partition.partitionIndex,
        errorCode,
      })),
    })),
  };
});

export const offsetFetchRoute = route(offsetFetch, (context, request) => {
  const wanted = request.topics?.map((topic) => [topic.name, topic.partitionIndexes] as const) ?? [
    ...context.offsets.committedPartitions(request.groupId),
  ];
  return {
    errorCode: ErrorCode.NONE,
    topics: wanted.map(([name, partitions]) => ({
      name,
      partitions: partitions.map((partitionIndex) => {
        const committed = context.offsets.get(request.groupId, name, partitionIndex);
        return {
          partitionIndex,
          committedOffset: committed?.offset ?? -1,
          metadata: committed?.metadata ?? '',
          errorCode: ErrorCode.NONE,
        };
      }),
    })),
  };
});

function describeGroup(context: BrokerContext, groupId: string): DescribedGroup {
  const group = context.groups.describe(groupId);
  if (group) return { errorCode: ErrorCode.NONE, groupId, ...group };
  // A group known only by its committed offsets is Empty; one never seen is Dead.
  const state = context.offsets.committedPartitions(groupId).size > 0 ? 'Empty' : 'Dead';
  return { errorCode: ErrorCode.NONE, groupId, state, protocolType: '', protocolName: '', members: [] };
}

export const describeGroupsRoute = route(describeGroups, (context, groupIds) =>
  groupIds.map((groupId) => describeGroup(context, groupId)),
);

export const listGroupsRoute = route(listGroups, (context) => {
  const groups = new Map(context.offsets.groupIds().map((groupId) => [groupId, '']));
  for (const group of context.groups.list()) groups.set(group.groupId, group.protocolType);
  return [...groups].map(([groupId, protocolType]) => ({ groupId, protocolType }));
});
