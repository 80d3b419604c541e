import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * A partition assigner that hands out only the listed partitions, round robin over the members in
 * member-id order. A rebuild's consumer reads just the partitions of its target (its share of them
 * when several threads replay), each in a group of its own.
 */
export function listedPartitionsAssigner(
  partitions: readonly { topic: string; partition: number }[],
): PartitionAssigner {
  return () => ({
    name: 'StrataListedPartitions',
    version: 0,
    async assign({ members }) {
      const memberIds = members.map(({ memberId }) => memberId).sort();
      const assignments = new Map<string, Record<string, number[]>>();
      partitions.forEach(({ topic, partition }, index) => {
        const memberId = memberIds[index % memberIds.length];
        const assignment = assignments.get(memberId) ?? {};
        (assignment[topic] ??= []).push(partition);
        assignments.set(memberId, assignment);
      });
      return memberIds.map((memberId) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: assignments.get(memberId) ?? {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: 'StrataListedPartitions',
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
      };
    },
  });
}
