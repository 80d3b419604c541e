import type { AnnotationHistory } from './label-studio.mapping';

/**
 * The versions of Label Studio annotations this gateway has written, so an update can name its parent
 * label and a deletion can retract every version. In memory and bounded (least recently written
 * entries are dropped first): after a restart, an update of an annotation first seen before it is
 * chained onto the annotation's created version instead, which the mapping can always derive.
 */
export class AnnotationHistoryCache {
  private readonly entries = new Map<string, AnnotationHistory>();

  constructor(private readonly maxEntries = 100_000) {}

  get(key: string): AnnotationHistory | undefined {
    return this.entries.get(key);
  }

  remember(key: string, history: AnnotationHistory): void {
    this.entries.delete(key);
    this.entries.set(key, history);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
