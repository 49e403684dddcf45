// A real OpenID Connect provider for the tests (oidc-provider, a certified implementation), on
// 127.0.0.1 at a free port. It prints one JSON line {"issuer": ...} once it listens, and stops
// when its stdin closes (the test process went away) or on SIGTERM.
//
// Test users (log in with the user name as "login", any password):
//   alice  Alice Example  alice@example.com  tid tenant-a
//   bob    Bob Example    bob@example.com    tid tenant-b
//   carol  Carol Example  carol@example.org  tid tenant-a
//   dave   Dave Example   dave@example.net   tid tenant-b
// Clients register themselves (dynamic registration, RFC 7591) with the redirect URI of the app
// they test, so one provider serves every test.
import http from 'node:http';
import Provider from 'oidc-provider';

const USERS = {
  alice: { name: 'Alice Example', email: 'alice@example.com', tid: 'tenant-a' },
  bob: { name: 'Bob Example', email: 'bob@example.com', tid: 'tenant-b' },
  carol: { name: 'Carol Example', email: 'carol@example.org', tid: 'tenant-a' },
  dave: { name: 'Dave Example', email: 'dave@example.net', tid: 'tenant-b' },
};

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    findAccount: async (ctx, id) => {
      const user = USERS[id];
      if (!user) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id, // oidc-provider makes the account id the subject
          name: user.name,
          email: user.email,
          email_verified: true,
          tid: user.tid,
        }),
      };
    },
    claims: {
      openid: ['sub', 'tid'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    conformIdTokenClaims: false, // the claims in the ID token itself, as Entra ID does
    features: {
      devInteractions: { enabled: true }, // the built-in login and consent forms
      registration: { enabled: true },
    },
    pkce: { required: () => true },
    cookies: { keys: ['test-only-cookie-key'] },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600 },
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
