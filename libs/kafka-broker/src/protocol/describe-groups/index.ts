import { throttleFrom, type ApiCodec } from '../api';

export interface DescribedMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  state: string;
  protocolType: string;
  protocolName: string;
  members: DescribedMember[];
}

/** DescribeGroups (15) v0–2 (python's list_groups() forces v0, which has no throttle time). */
export const describeGroups: ApiCodec<string[], DescribedGroup[]> = {
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 2,
  decodeRequest(reader) {
    return reader.array((r) => r.string());
  },
  encodeResponse(writer, version, groups) {
    throttleFrom(writer, version, 1);
    writer.array(groups, (w, group) => {
      w.int16(group.errorCode)
        .string(group.groupId)
        .string(group.state)
        .string(group.protocolType)
        .string(group.protocolName);
      w.array(group.members, (mw, member) =>
        mw
          .string(member.memberId)
          .string(member.clientId)
          .string(member.clientHost)
          .bytes(member.metadata)
          .bytes(member.assignment),
      );
    });
  },
};
