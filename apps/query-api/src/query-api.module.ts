import { Module, type DynamicModule } from '@nestjs/common';
import { API_KEY_ACCESS, ApiKeyGuard } from '@strata/auth';
import { ItemsController } from './controllers/items.controller';
import { LabelsController } from './controllers/labels.controller';
import { LineageController } from './controllers/lineage.controller';
import { ProvController } from './controllers/prov.controller';
import { SnapshotsController } from './controllers/snapshots.controller';
import { TrainingSetController } from './controllers/training-set.controller';
import { KNEX, LOG_OFFSETS, LOGGER, RELEASE_PUBLISHER, type QueryApiDependencies } from './ports';
import { ItemsRepository } from './repositories/items.repository';
import { LabelsRepository } from './repositories/labels.repository';
import { LineageRepository } from './repositories/lineage.repository';
import { ProvRepository } from './repositories/prov.repository';
import { SnapshotsRepository } from './repositories/snapshots.repository';
import { TrainingSetRepository } from './repositories/training-set.repository';
import { LiveViews } from './repositories/live-views';
import { AsOfResolver } from './services/as-of.resolver';
import { ItemsService } from './services/items.service';
import { LabelsService } from './services/labels.service';
import { LineageService } from './services/lineage.service';
import { ProvService } from './services/prov.service';
import { SnapshotsService } from './services/snapshots.service';
import { TrainingSetService } from './services/training-set.service';

/** Controllers → services → repositories; outside resources come in as values (see ports.ts). */
@Module({})
export class QueryApiModule {
  /** `imports` adds modules around the API, e.g. health and metrics when it serves HTTP. */
  static with(dependencies: QueryApiDependencies, imports: DynamicModule[] = []): DynamicModule {
    return {
      module: QueryApiModule,
      imports,
      controllers: [
        ItemsController,
        LabelsController,
        TrainingSetController,
        LineageController,
        SnapshotsController,
        ProvController,
      ],
      providers: [
        { provide: KNEX, useValue: dependencies.knex },
        { provide: LOGGER, useValue: dependencies.logger },
        { provide: RELEASE_PUBLISHER, useValue: dependencies.publisher },
        { provide: LOG_OFFSETS, useValue: dependencies.logOffsets },
        { provide: API_KEY_ACCESS, useValue: dependencies.access },
        ApiKeyGuard,
        LiveViews,
        ItemsRepository,
        LabelsRepository,
        TrainingSetRepository,
        LineageRepository,
        SnapshotsRepository,
        ProvRepository,
        AsOfResolver,
        ItemsService,
        LabelsService,
        TrainingSetService,
        LineageService,
        SnapshotsService,
        ProvService,
      ],
      exports: [SnapshotsService],
    };
  }
}
