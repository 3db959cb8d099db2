// Types for the part of http-server (which ships none) that the static-server test uses.
declare module 'http-server' {
  import type { Server } from 'node:http';
  export interface HttpServerOptions {
    root: string;
    /** Default extension tried for a path without one ("html"). */
    ext?: string;
    cache?: number;
    showDir?: string;
    autoIndex?: string;
    logFn?: () => void;
  }
  export function createServer(options: HttpServerOptions): {
    server: Server;
    listen(port: number, host: string, cb: () => void): void;
    close(): void;
  };
}
