// A bare Node `ws` relay that speaks cmd/loadgen's baseline protocol
// (see ../baseline.go): create a lobby, join, resume or watch it, act;
// every act is answered by fanning out a pre-encoded message of the game
// messages' sizes to the act's lobby, then an ack. No game, no journal.
// It stands for the servers of the popular peers, which are built on
// Node and `ws`, and is measured with `loadgen -compare -node`.
//
//   node relay.mjs --listen 127.0.0.1:0 --delegate-bytes 2209 --spectator-bytes 1976
//
// prints "LISTENING host:port" once it listens.
import http from 'node:http';
import crypto from 'node:crypto';
import { WebSocketServer } from 'ws';

const args = new Map();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i], process.argv[i + 1]);
const [host, port] = (args.get('--listen') || '127.0.0.1:0').split(':');
const delegateBytes = Number(args.get('--delegate-bytes') || 1530);
const spectatorBytes = Number(args.get('--spectator-bytes') || 1310);
// A client whose unsent bytes pass this is dropped, as the Go baseline
// drops one whose 64-message queue fills.
const maxBuffered = 64 * Math.max(delegateBytes, spectatorBytes);
const maxMessage = 16 << 10;

// padded is a server message of type t, n bytes long (or as short as it can be).
function padded(t, n) {
  const head = `{"type":"${t}","v":1,"pad":""}`;
  return Buffer.from(`{"type":"${t}","v":1,"pad":"${'x'.repeat(Math.max(n - head.length, 0))}"}`);
}
const delegateMsg = padded('game', delegateBytes);
const spectatorMsg = padded('game', spectatorBytes);
const welcomeMsg = padded('welcome', 0);

const alphabet = 'ABCDEFGHJKMNPQRTUVWXYZ2346789'; // protocol.CodeAlphabet
const groups = new Map(); // lobby code -> Set of sockets
let nextID = 0;
function lobbyCode(n) {
  let code = '';
  for (let i = 0; i < 6; i++) { code = alphabet[n % alphabet.length] + code; n = Math.floor(n / alphabet.length); }
  return code;
}

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/api/lobbies') {
    req.resume();
    req.on('end', () => {
      const code = lobbyCode(++nextID);
      groups.set(code, new Set());
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code, you: 'host', token: crypto.randomBytes(32).toString('base64url') }) + '\n');
    });
    return;
  }
  if (req.url === '/healthz') { res.writeHead(204); res.end(); return; }
  res.writeHead(404); res.end();
});

const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, maxPayload: maxMessage });

function offer(ws, msg) {
  if (ws.bufferedAmount > maxBuffered) { ws.terminate(); return; }
  ws.send(msg);
}

wss.on('connection', (ws) => {
  let group = null;
  let spectator = false;
  ws.on('message', (data) => {
    let m;
    try { m = JSON.parse(data); } catch { if (!group) ws.close(1008, 'bad hello'); return; }
    if (!group) {
      group = groups.get(m.lobby);
      if (!group) {
        ws.send(JSON.stringify({ type: 'error', v: 1, id: 0, code: 'unknown_lobby', message: 'No such lobby.' }));
        ws.close(1008, 'unknown lobby');
        return;
      }
      spectator = m.type === 'watch';
      ws.spectator = spectator;
      group.add(ws);
      offer(ws, welcomeMsg);
      return;
    }
    if (m.type === 'act' || m.type === 'host') {
      for (const peer of group) offer(peer, peer.spectator ? spectatorMsg : delegateMsg);
    }
    offer(ws, `{"type":"ack","v":1,"id":${Number(m.id) || 0}}`);
  });
  ws.on('close', () => { if (group) group.delete(ws); });
  ws.on('error', () => {});
});

server.listen(Number(port), host, () => {
  const a = server.address();
  process.stdout.write(`LISTENING ${a.address}:${a.port}\n`);
});
process.on('SIGINT', () => { wss.close(); server.close(() => process.exit(0)); setTimeout(() => process.exit(0), 2000).unref(); });
process.on('SIGTERM', () => process.exit(0));
