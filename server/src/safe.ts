// Request handlers never take the server down: an exception inside a feature is logged and the request
// gets the feature's empty answer, so the editor keeps working on any input.
export function safe<P, R>(connection: { console: { error(message: string): void } }, feature: string, empty: R, handler: (params: P) => R): (params: P) => R {
  return (params: P) => {
    try {
      return handler(params);
    } catch (err) {
      connection.console.error(`${feature} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return empty;
    }
  };
}
