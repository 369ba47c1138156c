/** One signature as printed in a pack and in its CSV: the same cells in both, so the CSV's hash vouches for the list. */
export interface ListRow {
  number: number;
  /** Null when the name must not be printed (no consent, or a withheld country). */
  name: string | null;
  city: string | null;
  country: string;
  signedAt: Date;
}

export interface PrintedRow {
  number: string;
  name: string;
  withheld: boolean;
  city: string;
  country: string;
  signedAt: string;
}

const QUARTER_HOUR_MS = 15 * 60_000;

/** Formats list rows in the pack's language: country names from CLDR (Intl), dates as unambiguous ISO days. */
export class SignatureListFormat {
  private readonly countryNames: Intl.DisplayNames;
  private readonly countryCache = new Map<string, string>();
  private readonly day: Intl.DateTimeFormat;
  private readonly days = new Map<number, string>();

  constructor(
    language: string,
    timezone: string,
    private readonly withheldText: string,
  ) {
    this.countryNames = new Intl.DisplayNames([language, 'en'], { type: 'region' });
    // en-CA formats a date as YYYY-MM-DD, readable everywhere and not mistaken for month/day.
    this.day = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  country(code: string): string {
    let name = this.countryCache.get(code);
    if (name === undefined) {
      name = this.countryNames.of(code) ?? code;
      this.countryCache.set(code, name);
    }
    return name;
  }

  print(row: ListRow): PrintedRow {
    return {
      number: String(row.number),
      name: row.name ?? this.withheldText,
      withheld: row.name === null,
      city: row.city ?? '',
      country: this.country(row.country),
      signedAt: this.dayOf(row.signedAt),
    };
  }

  /**
   * The day in the campaign's time zone, formatted once per quarter hour of UTC time: every UTC offset in use
   * since 1972 is a whole number of quarter hours, so a day never starts inside one. A list is ordered by date,
   * and formatting a date is the costly part of printing a row.
   */
  private dayOf(date: Date): string {
    const quarter = Math.floor(date.getTime() / QUARTER_HOUR_MS);
    let day = this.days.get(quarter);
    if (day === undefined) {
      day = this.day.format(date);
      this.days.set(quarter, day);
    }
    return day;
  }
}

