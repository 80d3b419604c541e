import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ErrorCode } from '../protocol/error-codes';
import type { DescribedMember } from '../protocol/describe-groups';
import type { JoinGroupRequest, JoinGroupResponse } from '../protocol/join-group';
import type { SyncGroupRequest, SyncGroupResponse } from '../protocol/sync-group';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

export interface JoinInput extends JoinGroupRequest {
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: a new member first gets its id with MEMBER_ID_REQUIRED and joins again with it. */
  requireKnownMemberId: boolean;
}

export interface GroupDescription {
  state: GroupState;
  protocolType: string;
  protocolName: string;
  members: DescribedMember[];
}

interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: { name: string; metadata: Buffer }[];
  assignment: Buffer;
  awaitingJoin?: (response: JoinGroupResponse) => void;
  awaitingSync?: (response: SyncGroupResponse) => void;
  sessionTimer?: NodeJS.Timeout;
}

interface Group {
  groupId: string;
  state: GroupState;
  generation: number;
  protocolType: string;
  protocolName: string;
  leaderId: string;
  members: Map<string, Member>;
  /** Ids handed out with MEMBER_ID_REQUIRED whose owners have not joined with them yet. */
  pendingMemberIds: Map<string, NodeJS.Timeout>;
  rebalanceTimer?: NodeJS.Timeout;
  initialDelayTimer?: NodeJS.Timeout;
}

const EMPTY = Buffer.alloc(0);

const joinError = (errorCode: number, memberId = ''): JoinGroupResponse => ({
  errorCode,
  generationId: -1,
  protocolName: '',
  leader: '',
  memberId,
  members: [],
});

const syncError = (errorCode: number): SyncGroupResponse => ({ errorCode, assignment: EMPTY });

/**
 * Kafka's classic group membership protocol as a plain class with timers and no sockets: JoinGroup
 * and SyncGroup return promises that resolve when the rebalance lets them, like held responses.
 * States: Empty → PreparingRebalance → CompletingRebalance → Stable (unknown groups are "Dead").
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly initialRebalanceDelayMs: number,
    private readonly logger: Logger,
  ) {}

  join(input: JoinInput): Promise<JoinGroupResponse> {
    if (input.groupId === '') return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID));
    const group = this.groupFor(input.groupId);
    if (input.memberId === '') {
      if (!this.protocolsFit(group, input))
        return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      const memberId = `${input.clientId}-${randomUUID()}`;
      if (!input.requireKnownMemberId) return this.joinAsMember(group, memberId, input);
      // Forget the id if its owner never comes back with it, so it cannot hold a rebalance forever.
      const expiry = setTimeout(() => {
        group.pendingMemberIds.delete(memberId);
        this.tryCompleteJoin(group);
      }, input.sessionTimeoutMs);
      group.pendingMemberIds.set(memberId, expiry);
      return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
    }
    if (!group.members.has(input.memberId) && !group.pendingMemberIds.has(input.memberId)) {
      return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, input.memberId));
    }
    if (!this.protocolsFit(group, input))
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    return this.joinAsMember(group, input.memberId, input);
  }

  sync(request: SyncGroupRequest): Promise<SyncGroupResponse> {
    const group = this.groups.get(request.groupId);
    const member = group?.members.get(request.memberId);
    if (!group || !member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (request.generationId !== group.generation)
      return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    this.startSession(group, member);
    switch (group.state) {
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'Stable':
        return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      default: {
        const response = new Promise<SyncGroupResponse>((resolve) => (member.awaitingSync = resolve));
        if (request.memberId === group.leaderId) this.completeSync(group, request.assignments);
        return response;
      }
    }
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generation) return ErrorCode.ILLEGAL_GENERATION;
    this.startSession(group, member);
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(groupId: string, memberId: string): number {
    const group = this.groups.get(groupId);
    if (!group?.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.logger.debug({ groupId, memberId }, 'member left group');
    this.removeMember(group, memberId);
    return ErrorCode.NONE;
  }

  /**
   * Whether an offset commit may proceed. Generation −1 with no member id is a "simple" consumer
   * committing outside group management, allowed only while the group has no members.
   */
  checkCommit(groupId: string, generationId: number, memberId: string): number {
    const group = this.groups.get(groupId);
    if (generationId < 0 && memberId === '') {
      return group && group.members.size > 0 ? ErrorCode.UNKNOWN_MEMBER_ID : ErrorCode.NONE;
    }
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generation) return ErrorCode.ILLEGAL_GENERATION;
    // As in Kafka, members of the current generation may still commit while a rebalance is being
    // prepared (so partitions are handed over with their progress), but not while awaiting sync.
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    this.startSession(group, member);
    return ErrorCode.NONE;
  }

  describe(groupId: string): GroupDescription | undefined {
    const group = this.groups.get(groupId);
    if (!group) return undefined;
    return {
      state: group.state,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      members: [...group.members.values()].map((member) => ({
        memberId: member.memberId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        metadata:
          member.protocols.find((protocol) => protocol.name === group.protocolName)?.metadata ?? EMPTY,
        assignment: member.assignment,
      })),
    };
  }

  list(): { groupId: string; protocolType: string }[] {
    return [...this.groups.values()].map((group) => ({
      groupId: group.groupId,
      protocolType: group.protocolType,
    }));
  }

  /** Cancels every timer; held responses are abandoned (their connections are closing too). */
  close(): void {
    for (const group of this.groups.values()) {
      clearTimeout(group.rebalanceTimer);
      clearTimeout(group.initialDelayTimer);
      for (const timer of group.pendingMemberIds.values()) clearTimeout(timer);
      for (const member of group.members.values()) clearTimeout(member.sessionTimer);
    }
    this.groups.clear();
  }

  private groupFor(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = {
        groupId,
        state: 'Empty',
        generation: 0,
        protocolType: '',
        protocolName: '',
        leaderId: '',
        members: new Map(),
        pendingMemberIds: new Map(),
      };
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** The protocol type must match and at least one protocol must be supported by every member. */
  private protocolsFit(group: Group, input: JoinInput): boolean {
    const others = [...group.members.values()].filter((member) => member.memberId !== input.memberId);
    if (others.length === 0) return input.protocols.length > 0;
    if (input.protocolType !== group.protocolType) return false;
    return input.protocols.some(({ name }) =>
      others.every((member) => member.protocols.some((p) => p.name === name)),
    );
  }

  private joinAsMember(group: Group, memberId: string, input: JoinInput): Promise<JoinGroupResponse> {
    clearTimeout(group.pendingMemberIds.get(memberId));
    group.pendingMemberIds.delete(memberId);
    const previous = group.members.get(memberId);
    const member: Member = {
      memberId,
      groupInstanceId: input.groupInstanceId,
      clientId: input.clientId,
      clientHost: input.clientHost,
      sessionTimeoutMs: input.sessionTimeoutMs,
      rebalanceTimeoutMs: input.rebalanceTimeoutMs,
      protocols: input.protocols.map(({ name, metadata }) => ({ name, metadata: Buffer.from(metadata) })),
      assignment: previous?.assignment ?? EMPTY,
    };
    // A member waiting in a join never expires; its session restarts when the join completes.
    clearTimeout(previous?.sessionTimer);
    // A repeated join supersedes the held one; the client simply joins again with the same id.
    previous?.awaitingJoin?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, memberId));
    group.members.set(memberId, member);
    group.protocolType = input.protocolType;
    const response = new Promise<JoinGroupResponse>((resolve) => (member.awaitingJoin = resolve));
    if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
    else this.prepareRebalance(group);
    return response;
  }

  private prepareRebalance(group: Group): void {
    const fromEmpty = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    for (const member of group.members.values()) {
      member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      member.awaitingSync = undefined;
    }
    const rebalanceTimeoutMs = Math.max(
      ...[...group.members.values()].map((member) => member.rebalanceTimeoutMs),
    );
    // Members that do not rejoin within the rebalance timeout are dropped from the new generation.
    group.rebalanceTimer = setTimeout(() => this.completeJoin(group), rebalanceTimeoutMs);
    if (fromEmpty && this.initialRebalanceDelayMs > 0) {
      // A starting group waits briefly, so consumers starting together land in one generation.
      group.initialDelayTimer = setTimeout(
        () => {
          group.initialDelayTimer = undefined;
          this.tryCompleteJoin(group);
        },
        Math.min(this.initialRebalanceDelayMs, rebalanceTimeoutMs),
      );
    } else {
      this.tryCompleteJoin(group);
    }
  }

  private tryCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || group.initialDelayTimer || group.pendingMemberIds.size > 0)
      return;
    for (const member of group.members.values()) if (!member.awaitingJoin) return;
    this.completeJoin(group);
  }

  private completeJoin(group: Group): void {
    clearTimeout(group.rebalanceTimer);
    clearTimeout(group.initialDelayTimer);
    group.initialDelayTimer = undefined;
    for (const timer of group.pendingMemberIds.values()) clearTimeout(timer);
    group.pendingMemberIds.clear();
    for (const member of [...group.members.values()]) {
      if (!member.awaitingJoin) {
        this.logger.info(
          { groupId: group.groupId, memberId: member.memberId },
          'member dropped: did not rejoin',
        );
        clearTimeout(member.sessionTimer);
        group.members.delete(member.memberId);
      }
    }
    group.generation++;
    if (group.members.size === 0) {
      this.becomeEmpty(group);
      return;
    }
    group.protocolName = this.selectProtocol(group);
    if (!group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value as string;
    group.state = 'CompletingRebalance';
    const everyone = [...group.members.values()].map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      metadata: member.protocols.find((protocol) => protocol.name === group.protocolName)?.metadata ?? EMPTY,
    }));
    this.logger.info(
      { groupId: group.groupId, generation: group.generation, members: everyone.length },
      'group rebalanced',
    );
    for (const member of group.members.values()) {
      const resolve = member.awaitingJoin;
      member.awaitingJoin = undefined;
      member.assignment = EMPTY;
      this.startSession(group, member);
      resolve?.({
        errorCode: ErrorCode.NONE,
        generationId: group.generation,
        protocolName: group.protocolName,
        leader: group.leaderId,
        memberId: member.memberId,
        members: member.memberId === group.leaderId ? everyone : [],
      });
    }
  }

  /** Among protocols every member supports, the one most members list first (ties: earliest). */
  private selectProtocol(group: Group): string {
    const members = [...group.members.values()];
    const common = members[0].protocols
      .map(({ name }) => name)
      .filter((name) =>
        members.every((member) => member.protocols.some((protocol) => protocol.name === name)),
      );
    const votes = new Map(common.map((name) => [name, 0]));
    for (const member of members) {
      const choice = member.protocols.find((protocol) => votes.has(protocol.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    return [...votes].reduce((best, candidate) => (candidate[1] > best[1] ? candidate : best))[0];
  }

  private completeSync(group: Group, assignments: { memberId: string; assignment: Buffer }[]): void {
    const byMember = new Map(assignments.map(({ memberId, assignment }) => [memberId, assignment]));
    group.state = 'Stable';
    for (const member of group.members.values()) {
      member.assignment = byMember.get(member.memberId) ?? EMPTY;
      member.awaitingSync?.({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      member.awaitingSync = undefined;
    }
  }

  private startSession(group: Group, member: Member): void {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => {
      this.logger.info({ groupId: group.groupId, memberId: member.memberId }, 'member session expired');
      this.removeMember(group, member.memberId);
    }, member.sessionTimeoutMs);
  }

  private removeMember(group: Group, memberId: string): void {
    const member = group.members.get(memberId);
    if (!member) return;
    clearTimeout(member.sessionTimer);
    group.members.delete(memberId);
    member.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
    member.awaitingSync?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.members.size === 0) {
      group.generation++;
      this.becomeEmpty(group);
    } else if (group.state === 'PreparingRebalance') {
      this.tryCompleteJoin(group);
    } else {
      this.prepareRebalance(group);
    }
  }

  private becomeEmpty(group: Group): void {
    clearTimeout(group.rebalanceTimer);
    clearTimeout(group.initialDelayTimer);
    group.initialDelayTimer = undefined;
    group.state = 'Empty';
    group.protocolName = '';
    group.leaderId = '';
  }
}
