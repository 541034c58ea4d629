/** The one error start-up raises for bad configuration: it names the source and the field. */

export class ConfigError extends Error {
  /** e.g. `config file ./config.json` or `environment variable PrimaryApiKey`. */
  readonly source: string;
  /** Dotted path of the field, e.g. `primaryApiKey.apiKey`; null when the whole source is at fault. */
  readonly field: string | null;

  constructor(source: string, field: string | null, detail: string) {
    super(`configuration error in ${source}${field ? `, field ${field}` : ""}: ${detail}`);
    this.name = "ConfigError";
    this.source = source;
    this.field = field;
  }
}
