const millisPerHour = 3_600_000;
/** 0–99 as two digits. */
export const twoDigits = (n: number) => (n < 10 ? `0${n}` : `${n}`);
/** 0–999 as three digits. */
export const threeDigits = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `new Date(epochMillis).toISOString()`, for instants in years 1–9999, six to nine times faster
 * (70–100 ns against 600 ns): the `YYYY-MM-DDTHH:` of the last hour asked for is kept, and only
 * minutes, seconds and milliseconds are formatted. A batch's times are mostly in one hour, and
 * `toISOString` (a Date per call) was a third of the writer's own JavaScript time in a profile.
 */
export class UtcIsoFormatter {
  private hourStart = Number.NaN;
  private hourPrefix = '';

  format(epochMillis: number): string {
    let inHour = epochMillis - this.hourStart;
    if (!(inHour >= 0 && inHour < millisPerHour)) {
      inHour = ((epochMillis % millisPerHour) + millisPerHour) % millisPerHour;
      this.hourStart = epochMillis - inHour;
      this.hourPrefix = new Date(this.hourStart).toISOString().slice(0, 14);
    }
    const seconds = Math.floor(inHour / 1000);
    return `${this.hourPrefix}${twoDigits(Math.floor(seconds / 60))}:${twoDigits(seconds % 60)}.${threeDigits(inHour % 1000)}Z`;
  }
}
