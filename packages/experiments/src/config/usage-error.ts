/**
 * An error caused by what the user asked for (an unknown preset, a bad config key, a missing data
 * directory), as opposed to a bug. The `bdst` command prints its message as one line, with no stack
 * trace, and exits with code 2.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
