import { apiVersions } from '../protocol/api-versions';
import { route, type Route } from './context';
import { fetchRoute, initProducerIdRoute, listOffsetsRoute, produceRoute } from './data-handlers';
import {
  describeGroupsRoute,
  findCoordinatorRoute,
  heartbeatRoute,
  joinGroupRoute,
  leaveGroupRoute,
  listGroupsRoute,
  offsetCommitRoute,
  offsetFetchRoute,
  syncGroupRoute,
} from './group-handlers';
import {
  alterConfigsRoute,
  createPartitionsRoute,
  createTopicsRoute,
  deleteTopicsRoute,
  describeConfigsRoute,
  metadataRoute,
} from './topic-handlers';

const servedRoutes: Route[] = [
  produceRoute,
  fetchRoute,
  listOffsetsRoute,
  metadataRoute,
  offsetCommitRoute,
  offsetFetchRoute,
  findCoordinatorRoute,
  joinGroupRoute,
  heartbeatRoute,
  leaveGroupRoute,
  syncGroupRoute,
  describeGroupsRoute,
  listGroupsRoute,
  createTopicsRoute,
  deleteTopicsRoute,
  initProducerIdRoute,
  describeConfigsRoute,
  alterConfigsRoute,
  createPartitionsRoute,
];

/** Advertises exactly the versions each served API can decode (min 0 everywhere: see wire notes). */
export const advertisedApiVersions = [apiVersions, ...servedRoutes.map((served) => served.codec)].map(
  (codec) => ({
    apiKey: codec.apiKey,
    minVersion: codec.minVersion,
    maxVersion: codec.maxVersion,
  }),
);

export const apiVersionsRoute = route(apiVersions, () => ({ errorCode: 0, apiKeys: advertisedApiVersions }));

export const routes = new Map<number, Route>(
  [apiVersionsRoute, ...servedRoutes].map((served) => [served.codec.apiKey, served]),
);
