/**
 * Run events in the shape of the OpenLineage specification's own examples ("Example Lineage Events"
 * and the facet pages of the spec), used by the mapping's unit tests and the gateway's end-to-end
 * tests. The "START event with Facets" example is reproduced with the JSON syntax slips of the
 * published page (a missing and a trailing comma) corrected.
 */
const producer = 'https://github.com/OpenLineage/OpenLineage/blob/v1-0-0/client';
const airflow = 'https://github.com/OpenLineage/OpenLineage/tree/0.10.0/integration/airflow';

export const startWithSingleInput = {
  eventType: 'START',
  eventTime: '2020-12-28T19:52:00.001+10:00',
  run: { runId: 'd46e465b-d358-4d32-83d4-df660ff614dd' },
  job: { namespace: 'workshop', name: 'process_taxes' },
  inputs: [{ namespace: 'postgres://workshop-db:None', name: 'workshop.public.taxes' }],
  producer,
};

export const completeWithSingleOutput = {
  eventType: 'COMPLETE',
  eventTime: '2020-12-28T20:52:00.001+10:00',
  run: { runId: 'd46e465b-d358-4d32-83d4-df660ff614dd' },
  job: { namespace: 'workshop', name: 'process_taxes' },
  outputs: [{ namespace: 'postgres://workshop-db:None', name: 'workshop.public.unpaid_taxes' }],
  producer,
};

export const startWithRunAndJobFacets = {
  eventType: 'START',
  eventTime: '2020-12-28T19:52:00.001+10:00',
  run: {
    runId: 'd46e465b-d358-4d32-83d4-df660ff614dd',
    facets: {
      airflow_runArgs: { _producer: airflow, _schemaURL: 'BaseFacet', externalTrigger: true },
      nominalTime: { _producer: airflow, nominalStartTime: '2022-07-29T14:14:31.458067Z' },
      parentRun: {
        _producer: airflow,
        job: { name: 'etl_orders', namespace: 'cosmic_energy' },
        run: { runId: '1ba6fdaa-fb80-36ce-9c5b-295f544ec462' },
      },
    },
  },
  job: {
    namespace: 'workshop',
    name: 'process_taxes',
    facets: {
      documentation: { _producer: airflow, description: 'Process taxes.' },
      sql: { _producer: airflow, query: 'INSERT into taxes values(1, 100, 1000, 4000);' },
      sourceCodeLocation: {
        _producer: 'https://some.producer.com/version/1.0',
        type: 'git',
        url: 'https://github.com/MarquezProject/marquez-airflow-quickstart/blob/693e35482bc2e526ced2b5f9f76ef83dec6ec691/dags/hello.py',
        repoUrl: 'https://github.com/MarquezProject/marquez-airflow-quickstart.git',
        path: 'dags/hello.py',
        version: '693e35482bc2e526ced2b5f9f76ef83dec6ec691',
        branch: 'main',
      },
    },
  },
  inputs: [{ namespace: 'postgres://workshop-db:None', name: 'workshop.public.taxes' }],
  producer,
};

export const completeWithDatasetFacets = {
  eventType: 'COMPLETE',
  eventTime: '2020-12-28T20:52:00.001+10:00',
  run: { runId: 'd46e465b-d358-4d32-83d4-df660ff614dd' },
  job: { namespace: 'workshop', name: 'process_taxes' },
  outputs: [
    {
      namespace: 'postgres://workshop-db:None',
      name: 'workshop.public.unpaid_taxes',
      facets: {
        dataSource: { _producer: airflow, name: 'postgres://workshop-db:None', uri: 'workshop-db' },
        schema: {
          _producer: airflow,
          fields: [
            { name: 'id', type: 'SERIAL PRIMARY KEY' },
            { name: 'amount', type: 'INTEGER NOT NULL' },
          ],
        },
        version: { _producer: 'https://some.producer.com/version/1.0', datasetVersion: '1' },
      },
    },
  ],
  producer,
};

/** The "ETL Job with several tasks" example: a task run whose parent facet names the ETL job's run. */
export const loadTaskComplete = {
  eventTime: '2025-10-24T15:08:00.001+10:00',
  eventType: 'COMPLETE',
  producer,
  job: { namespace: 'etl', name: 'orders_etl.Load task' },
  run: {
    runId: '5f8b3c2e-6d1a-4c3b-9f2e-1a2b3c4d5e6f',
    facets: {
      parent: {
        job: { namespace: 'etl', name: 'orders_etl' },
        run: { runId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
      },
    },
  },
  inputs: [{ namespace: 'test://example1.com:443/myDir', name: 'Dataset1' }],
  outputs: [
    {
      namespace: 'inmemory://',
      name: 'Dataset3.Load task',
      facets: { datasetType: { datasetType: 'JOB_OUTPUT', subType: 'TEMPORARY' } },
      outputFacets: { outputStatistics: { rowCount: 42, size: 1024 } },
    },
  ],
};

export const failWithErrorMessage = {
  eventType: 'FAIL',
  eventTime: '2020-12-28T21:00:00.000Z',
  run: {
    runId: 'd46e465b-d358-4d32-83d4-df660ff614dd',
    facets: {
      errorMessage: {
        _producer: producer,
        message: 'division by zero',
        programmingLanguage: 'python',
        stackTrace: 'Traceback (most recent call last): …',
      },
    },
  },
  job: { namespace: 'workshop', name: 'process_taxes' },
  producer,
};
