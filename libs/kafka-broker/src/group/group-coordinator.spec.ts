import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GroupCoordinator, type JoinInput } from './group-coordinator';

const INITIAL_DELAY_MS = 100;
const SESSION_TIMEOUT_MS = 1_000;
const REBALANCE_TIMEOUT_MS = 5_000;

const joinInput = (memberId: string, protocols = ['range']): JoinInput => ({
  groupId: 'g',
  sessionTimeoutMs: SESSION_TIMEOUT_MS,
  rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
  memberId,
  groupInstanceId: null,
  protocolType: 'consumer',
  protocols: protocols.map((name) => ({ name, metadata: Buffer.from(`${memberId}:${name}`) })),
  clientId: 'client',
  clientHost: '127.0.0.1',
  requireKnownMemberId: true,
});

describe('GroupCoordinator', () => {
  let coordinator: GroupCoordinator;

  beforeEach(() => {
    vi.useFakeTimers();
    coordinator = new GroupCoordinator(INITIAL_DELAY_MS, pino({ level: 'silent' }));
  });

  afterEach(() => {
    coordinator.close();
    vi.useRealTimers();
  });

  /** Runs the MEMBER_ID_REQUIRED handshake and returns the id plus the held second join. */
  async function startJoin(protocols?: string[]) {
    const first = await coordinator.join(joinInput('', protocols));
    expect(first.errorCode).toBe(79);
    return { memberId: first.memberId, joined: coordinator.join(joinInput(first.memberId, protocols)) };
  }

  async function formStableGroup(size: number) {
    const joins = [];
    for (let i = 0; i < size; i++) joins.push(await startJoin());
    await vi.advanceTimersByTimeAsync(INITIAL_DELAY_MS);
    const responses = await Promise.all(joins.map((join) => join.joined));
    const leader = responses.find((response) => response.members.length > 0)!;
    const syncs = responses.map((response) =>
      coordinator.sync({
        groupId: 'g',
        generationId: response.generationId,
        memberId: response.memberId,
        assignments:
          response === leader
            ? responses.map((r) => ({ memberId: r.memberId, assignment: Buffer.from(`for ${r.memberId}`) }))
            : [],
      }),
    );
    const assignments = await Promise.all(syncs);
    return { responses, leader, assignments };
  }

  it('hands out member ids, waits the initial delay, then completes one generation for all', async () => {
    const a = await startJoin();
    const b = await startJoin();
    let completed = false;
    void a.joined.then(() => (completed = true));
    await vi.advanceTimersByTimeAsync(INITIAL_DELAY_MS - 1);
    expect(completed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const [ja, jb] = await Promise.all([a.joined, b.joined]);
    expect([ja.generationId, jb.generationId]).toEqual([1, 1]);
    expect(ja.leader).toBe(a.memberId);
    expect(ja.members.map((member) => member.memberId)).toEqual([a.memberId, b.memberId]);
    expect(jb.members).toEqual([]);
    expect(coordinator.describe('g')?.state).toBe('CompletingRebalance');
  });

  it('releases followers with their assignment when the leader syncs', async () => {
    const { responses, assignments } = await formStableGroup(2);
    expect(assignments.map((sync) => sync.assignment.toString())).toEqual(
      responses.map((response) => `for ${response.memberId}`),
    );
    expect(coordinator.describe('g')?.state).toBe('Stable');
  });

  it('rejects unknown members, wrong generations and mismatched protocols', async () => {
    const { leader } = await formStableGroup(1);
    expect((await coordinator.join(joinInput('stranger'))).errorCode).toBe(25);
    expect(
      (await coordinator.sync({ groupId: 'g', generationId: 99, memberId: leader.memberId, assignments: [] }))
        .errorCode,
    ).toBe(22);
    expect(coordinator.heartbeat('g', 99, leader.memberId)).toBe(22);
    expect(coordinator.heartbeat('g', 1, 'stranger')).toBe(25);
    expect((await coordinator.join(joinInput('', ['roundrobin']))).errorCode).toBe(23);
  });

  it('rebalances when a member leaves, and becomes Empty when the last one does', async () => {
    const { responses } = await formStableGroup(2);
    const [a, b] = responses.map((response) => response.memberId);
    expect(coordinator.leave('g', b)).toBe(0);
    expect(coordinator.heartbeat('g', 1, a)).toBe(27);
    const rejoined = await coordinator.join(joinInput(a));
    expect(rejoined).toMatchObject({ errorCode: 0, generationId: 2, leader: a });
    expect(coordinator.leave('g', a)).toBe(0);
    expect(coordinator.describe('g')?.state).toBe('Empty');
    expect(coordinator.checkCommit('g', -1, '')).toBe(0);
  });

  it('drops a member whose session expires and one that does not rejoin in time', async () => {
    const { responses } = await formStableGroup(2);
    const [a, b] = responses.map((response) => response.memberId);
    // a heartbeats, b goes silent
    await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS / 2);
    expect(coordinator.heartbeat('g', 1, a)).toBe(0);
    await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS / 2);
    expect(coordinator.heartbeat('g', 1, b)).toBe(25);
    expect(coordinator.heartbeat('g', 1, a)).toBe(27);
    const rejoined = await coordinator.join(joinInput(a));
    expect(rejoined.members.map((member) => member.memberId)).toEqual([a]);

    // A new member triggers a rebalance; a, busy elsewhere, never rejoins within the rebalance timeout.
    await coordinator.sync({ groupId: 'g', generationId: 2, memberId: a, assignments: [] });
    const c = await startJoin();
    await vi.advanceTimersByTimeAsync(REBALANCE_TIMEOUT_MS);
    expect(coordinator.heartbeat('g', 2, a)).toBe(25);
    expect((await c.joined).members.map((member) => member.memberId)).toEqual([c.memberId]);
  });

  it('answers a waiting follower with REBALANCE_IN_PROGRESS when a rebalance starts before the leader syncs', async () => {
    const a = await startJoin();
    const b = await startJoin();
    await vi.advanceTimersByTimeAsync(INITIAL_DELAY_MS);
    const [, jb] = await Promise.all([a.joined, b.joined]);
    const followerSync = coordinator.sync({
      groupId: 'g',
      generationId: jb.generationId,
      memberId: b.memberId,
      assignments: [],
    });
    await startJoin();
    expect((await followerSync).errorCode).toBe(27);
  });

  it('guards commits by membership, generation and state', async () => {
    const { responses } = await formStableGroup(1);
    const member = responses[0].memberId;
    expect(coordinator.checkCommit('g', 1, member)).toBe(0);
    expect(coordinator.checkCommit('g', 0, member)).toBe(22);
    expect(coordinator.checkCommit('g', 1, 'stranger')).toBe(25);
    expect(coordinator.checkCommit('g', -1, '')).toBe(25); // simple commits only while nobody is a member
    expect(coordinator.checkCommit('other', -1, '')).toBe(0);
  });

  it('picks the protocol most members prefer among those all support', async () => {
    const a = await coordinator.join(joinInput('', ['roundrobin', 'range']));
    const b = await coordinator.join(joinInput('', ['range', 'roundrobin']));
    const c = await coordinator.join(joinInput('', ['range', 'roundrobin']));
    const joins = [a, b, c].map((first, i) =>
      coordinator.join(
        joinInput(first.memberId, i === 0 ? ['roundrobin', 'range'] : ['range', 'roundrobin']),
      ),
    );
    await vi.advanceTimersByTimeAsync(INITIAL_DELAY_MS);
    expect((await joins[0]).protocolName).toBe('range');
  });
});
