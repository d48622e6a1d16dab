import { createPrivateKey, randomUUID, sign } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newKey } from "./openssl.ts";

/**
 * A minimal Docker token service (the protocol of Docker Hub, GHCR and
 * friends) for `docker-registry`'s `auth.token` mode, so the Bearer flow is
 * tested against the real registry's challenges and token checks.
 */
export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  /** The certificate `docker-registry` trusts (`rootcertbundle`). */
  rootCertBundle: string;
  /** Every token request seen: the scopes asked for and who asked (never the password). */
  requests: { account: string | null; scopes: string[]; status: number }[];
  stop(): Promise<void>;
}

export interface TokenUser {
  password: string;
  /** Actions granted on a repository (`pull`, `push`); default: everything asked for. */
  grant?: (repository: string) => string[];
}

export interface TokenServerOptions {
  users: Record<string, TokenUser>;
  /** Actions an anonymous caller gets; default none (a token with no access). */
  anonymous?: (repository: string) => string[];
}

const b64url = (x: Buffer | string): string => Buffer.from(x).toString("base64url");

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const dir = await mkdtemp(join(tmpdir(), "test-token-"));
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  newKey(dir, { keyFile, out: certFile, subject: "/CN=test-token-issuer" });
  const key = createPrivateKey(await readFile(keyFile));
  const certDer = (await readFile(certFile, "utf8")).replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, "");
  const service = "test-registry";
  const issuer = "test-token-issuer";
  const requests: TokenServer["requests"] = [];

  const issue = (subject: string, access: { type: string; name: string; actions: string[] }[]): string => {
    const now = Math.floor(Date.now() / 1000);
    // The registry verifies the signature with the key of the x5c certificate, which must chain to rootcertbundle.
    const header = b64url(JSON.stringify({ typ: "JWT", alg: "ES256", x5c: [certDer] }));
    const claims = b64url(JSON.stringify({ iss: issuer, sub: subject, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access }));
    const signature = sign("sha256", Buffer.from(`${header}.${claims}`), { key, dsaEncoding: "ieee-p1363" });
    return `${header}.${claims}.${b64url(signature)}`;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://token");
    const scopes = url.searchParams.getAll("scope");
    const reply = (status: number, body: unknown, account: string | null): void => {
      requests.push({ account, scopes, status });
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    let account: string | null = null;
    let grant: (repository: string) => string[] = options.anonymous ?? (() => []);
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? "");
    if (basic) {
      const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      account = decoded.slice(0, colon);
      const user = options.users[account];
      if (!user || user.password !== decoded.slice(colon + 1)) {
        reply(401, { details: "incorrect username or password" }, account);
        return;
      }
      grant = user.grant ?? (() => ["pull", "push", "delete", "*"]);
    }
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(":");
      if (type !== "repository" || !name || !actions) return [];
      const allowed = grant(name);
      return [{ type, name, actions: actions.split(",").filter((a) => allowed.includes(a)) }];
    });
    const token = issue(account ?? "", access);
    reply(200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }, account);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("token server has no address");
  return {
    realm: `http://127.0.0.1:${address.port}/token`,
    service,
    issuer,
    rootCertBundle: certFile,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
