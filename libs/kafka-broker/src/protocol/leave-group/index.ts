import { throttleFrom, type ApiCodec } from '../api';

export interface LeaveGroupRequest {
  groupId: string;
  memberId: string;
}

/** LeaveGroup (13) v0–1; the response is just an error code. */
export const leaveGroup: ApiCodec<LeaveGroupRequest, number> = {
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 1,
  decodeRequest(reader) {
    return { groupId: reader.string(), memberId: reader.string() };
  },
  encodeResponse(writer, version, errorCode) {
    throttleFrom(writer, version, 1);
    writer.int16(errorCode);
  },
};
