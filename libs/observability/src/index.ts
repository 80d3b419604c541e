export * from './checks';
export * from './consumer-lag';
export * from './metrics';
export * from './observability';
export * from './readiness';
export * from './server';
export { ObservabilityModule } from './nest/observability.module';
export { CheckResultDto, LivenessDto, ReadinessDto } from './nest/health.dto';
