// A reader that stops early (`ptx run FILE | head -1`, `ptx report FILE --json | head -c 10`) closes the
// pipe; Node then reports EPIPE as an error event, which uncaught prints a stack trace. Like a classic
// Unix tool killed by SIGPIPE, ptx ends at once and quietly with status 141 (128 + SIGPIPE) when stdout
// closes; a closed stderr only silences the messages. The store stays consistent: every write is atomic.
export const CLOSED_PIPE_EXIT = 141;

export function endQuietlyOnClosedPipes(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(CLOSED_PIPE_EXIT);
    throw err;
  });
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    throw err;
  });
}
