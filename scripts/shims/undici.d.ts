// The undici types of tspack's API. undici is bundled into tspack (dist/undici.cjs), not a dependency, so
// the declarations name only what the API uses. Any undici Dispatcher (Agent, Pool, ProxyAgent,
// EnvHttpProxyAgent, MockAgent) of undici 6 or 7 fits `Dispatcher`: pass your own to route tspack's
// requests through your undici (and its TLS, proxy and connection settings).

/** An undici Dispatcher: what tspack calls on the one you pass as `dispatcher`. */
export interface Dispatcher {
  // biome-ignore lint/suspicious/noExplicitAny: undici's own option and result types are not re-declared here
  request(options: any): Promise<any>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  dispatch(options: any, handler: any): boolean;
}

export declare namespace Dispatcher {
  /** The response of `Dispatcher.request`. */
  interface ResponseData {
    statusCode: number;
    headers: Record<string, string | string[] | undefined>;
    body: AsyncIterable<Uint8Array> & {
      dump(options?: { limit?: number }): Promise<void>;
      text(): Promise<string>;
      json(): Promise<unknown>;
      arrayBuffer(): Promise<ArrayBuffer>;
    };
  }
}
