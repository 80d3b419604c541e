import { throttleFrom, type ApiCodec } from '../api';

export interface MetadataRequest {
  /** null: every topic. */
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
}

export interface BrokerAddress {
  nodeId: number;
  host: string;
  port: number;
}

export interface TopicMetadata {
  errorCode: number;
  name: string;
  partitions: { errorCode: number; partitionIndex: number; leaderId: number }[];
}

export interface MetadataResponse {
  brokers: BrokerAddress[];
  clusterId: string;
  controllerId: number;
  topics: TopicMetadata[];
}

/** Metadata (3) v0–4. A single node leads every partition and is its only replica. */
export const metadata: ApiCodec<MetadataRequest, MetadataResponse> = {
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 4,
  decodeRequest(reader, version) {
    const topics = reader.nullableArray((r) => r.string());
    // v0 has no null: an empty list means every topic.
    const allTopics = topics === null || (version === 0 && topics.length === 0);
    const allowAutoTopicCreation = version >= 4 ? reader.boolean() : true;
    return { topics: allTopics ? null : topics, allowAutoTopicCreation };
  },
  encodeResponse(writer, version, response) {
    throttleFrom(writer, version, 3);
    writer.array(response.brokers, (w, broker) => {
      w.int32(broker.nodeId).string(broker.host).int32(broker.port);
      if (version >= 1) w.nullableString(null); // rack
    });
    if (version >= 2) writer.nullableString(response.clusterId);
    if (version >= 1) writer.int32(response.controllerId);
    writer.array(response.topics, (w, topic) => {
      w.int16(topic.errorCode).string(topic.name);
      if (version >= 1) w.boolean(false); // is_internal
      w.array(topic.partitions, (pw, partition) => {
        pw.int16(partition.errorCode).int32(partition.partitionIndex).int32(partition.leaderId);
        pw.array([partition.leaderId], (rw, id) => rw.int32(id)); // replicas
        pw.array([partition.leaderId], (rw, id) => rw.int32(id)); // isr
      });
    });
  },
};
