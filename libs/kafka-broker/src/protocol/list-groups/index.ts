import { throttleFrom, type ApiCodec } from '../api';

export interface ListedGroup {
  groupId: string;
  protocolType: string;
}

/** ListGroups (16) v0–2. */
export const listGroups: ApiCodec<void, ListedGroup[]> = {
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 2,
  decodeRequest() {},
  encodeResponse(writer, version, groups) {
    throttleFrom(writer, version, 1);
    writer.int16(0);
    writer.array(groups, (w, group) => w.string(group.groupId).string(group.protocolType));
  },
};
