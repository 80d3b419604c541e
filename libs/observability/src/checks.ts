import type { Kafka } from 'kafkajs';
import { LazyAdmin } from './lazy-admin';
import type { ReadinessCheck } from './readiness';

/** Kafka is reachable and has a controller: kafkajs admin DescribeCluster (Metadata). */
export function kafkaReadinessCheck(kafka: Kafka): ReadinessCheck {
  const admin = new LazyAdmin(kafka);
  return {
    name: 'kafka',
    async check() {
      const cluster = await admin.use((client) => client.describeCluster());
      return {
        brokers: cluster.brokers.length,
        controller: cluster.controller,
        clusterId: cluster.clusterId,
      };
    },
    close: () => admin.close(),
  };
}

/** The schema registry answers its REST API: `GET /subjects`. */
export function schemaRegistryReadinessCheck(registryUrl: string): ReadinessCheck {
  const subjectsUrl = `${registryUrl.replace(/\/+$/, '')}/subjects`;
  return {
    name: 'schemaRegistry',
    async check() {
      const response = await fetch(subjectsUrl, {
        headers: { accept: 'application/vnd.schemaregistry.v1+json' },
      });
      if (!response.ok) throw new Error(`GET /subjects answered ${response.status}`);
      const subjects = (await response.json()) as unknown;
      return { subjects: Array.isArray(subjects) ? subjects.length : null };
    },
  };
}

/** PostgreSQL answers a query on the service's own pool: `SELECT 1`. */
export function postgresReadinessCheck(database: { raw(sql: string): PromiseLike<unknown> }): ReadinessCheck {
  return {
    name: 'postgres',
    async check() {
      await database.raw('SELECT 1');
    },
  };
}
