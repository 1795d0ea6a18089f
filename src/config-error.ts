/** The error of a bad configuration, for config.ts and the parts of the configuration read elsewhere (observability, the response cache). */

/** A configuration error; `variable` names the environment variable at fault. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}
