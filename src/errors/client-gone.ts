/** The client disconnected: the request ends quietly, nothing more is sent upstream or to the client. */

/** Raised when the client disconnected: nothing more is sent upstream or to the client. */
export class ClientGoneError extends Error {
  constructor() {
    super("client disconnected");
    this.name = "ClientGoneError";
  }
}
