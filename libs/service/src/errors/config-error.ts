import { AmkoFedError, ErrorCode } from '@amko-fed/domain';

/** The environment does not configure the workload; every problem names its variable. Terminal: fix the config and restart. */
export class ConfigError extends AmkoFedError {
  readonly code = ErrorCode.ConfigInvalid;
  readonly retryable = false;
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}
