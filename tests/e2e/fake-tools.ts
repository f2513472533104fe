// Fake `kubectl` and `helm` binaries for running the real harness offline. Each is a few lines of
// bash that sends its arguments (and, for `exec -i`, its first line of standard input) over a
// loopback socket to the test, which answers from a model of the cluster (fake-cluster.ts): a
// stateful fake in TypeScript instead of a shell `case` per scenario. bash's /dev/tcp needs no
// other tool.
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import path from 'node:path';

export interface FakeCall {
  tool: string;
  args: string[];
  /** The first line of standard input, sent by `kubectl exec -i` (a password). */
  input: string;
}

export interface FakeAnswer {
  stdout?: string;
  stderr?: string;
  code?: number;
  /** Print stdout, then keep running until killed, as `kubectl port-forward` does. */
  hold?: boolean;
}

export type FakeHandler = (call: FakeCall) => FakeAnswer;

const script = (dir: string, port: number, tool: string) => `#!/usr/bin/env bash
input=
case " $* " in *" exec -i "*) IFS= read -r input ;; esac
exec 3<>/dev/tcp/127.0.0.1/${port} || exit 99
printf '%s\\0' "${tool}" "$$" "$input" "$#" "$@" >&3
IFS= read -r code <&3
cat "${dir}/$$.out"; cat "${dir}/$$.err" >&2; rm -f "${dir}/$$.out" "${dir}/$$.err"
[ "$code" = hold ] && exec sleep 300
exit "$code"
`;

/** Serve one connection: NUL-separated fields in, the answer's files written, its code sent back. */
function serve(socket: Socket, dir: string, handle: FakeHandler, calls: FakeCall[]): void {
  let buffer = Buffer.alloc(0);
  let answered = false;
  socket.on('data', (chunk: Buffer) => {
    if (answered) return;
    // Decoded whole each time: a UTF-8 character may straddle two chunks.
    buffer = Buffer.concat([buffer, chunk]);
    const fields = buffer.toString('utf8').split('\0');
    if (fields.length < 5) return;
    const [tool, pid, input, count] = fields as [string, string, string, string];
    const n = Number(count);
    if (fields.length < 4 + n + 1) return; // the last field is complete once followed by a NUL
    answered = true;
    const call: FakeCall = { tool, args: fields.slice(4, 4 + n), input };
    calls.push(call);
    let answer: FakeAnswer;
    try {
      answer = handle(call);
    } catch (error) {
      answer = { stderr: `fake ${tool}: ${(error as Error).message}\n`, code: 98 };
    }
    writeFileSync(path.join(dir, `${pid}.out`), answer.stdout ?? '');
    writeFileSync(path.join(dir, `${pid}.err`), answer.stderr ?? '');
    socket.end(`${answer.hold ? 'hold' : (answer.code ?? 0)}\n`);
  });
}

export interface FakeTools {
  /** KUBECTL_BIN and HELM_BIN for the harness. */
  env: Record<string, string>;
  calls: FakeCall[];
  close(): Promise<void>;
}

export async function startFakeTools(dir: string, handle: FakeHandler): Promise<FakeTools> {
  const calls: FakeCall[] = [];
  const server: Server = createServer((socket) => serve(socket, dir, handle, calls));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  for (const tool of ['kubectl', 'helm']) {
    writeFileSync(path.join(dir, tool), script(dir, port, tool));
    chmodSync(path.join(dir, tool), 0o755);
  }
  return {
    env: { KUBECTL_BIN: path.join(dir, 'kubectl'), HELM_BIN: path.join(dir, 'helm') },
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on: a firewalled node port, refused at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A stand-in for Squash TM's HTTP port on loopback, recording the paths asked for. */
export async function fakeSquash(): Promise<{ port: number; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = createHttpServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/squash/isSquashAlive') res.writeHead(200).end('Squash is Alive!');
    else if (req.url === '/squash/login') res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body>login</body></html>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
