// Proves the client setting the Troupe contract asks for: a dropped speak/stream is never
// re-POSTed (a second POST would make the character speak twice). The generated SSE client
// of @hey-api/openapi-ts retries by default, so this runs it against a tiny local server
// (127.0.0.1, an ephemeral port) that sends one event and then cuts the connection, and
// counts the POSTs it receives. No Troupe server is needed.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';

import { createClient } from '../generated/hey-api/client/index.js';
import { streamSpeakCharacter } from '../generated/hey-api/sdk.gen.js';
import type { SpeakStreamEvent } from '../generated/hey-api/types.gen.js';

let server: Server;
let baseUrl = '';
let posts = 0;

before(async () => {
  server = createServer((request, response) => {
    posts++;
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      response.write(': heartbeat\n\n');
      response.write('id: 1\nevent: dialogue.delta\ndata: {"type":"dialogue.delta","sequence_number":1,"delta":"Mor"}\n\n');
      // Cut the connection mid-line, as a proxy or a network drop would.
      setTimeout(() => response.socket?.destroy(), 20);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const body = { context_messages: [{ speaker: 'player', text: 'Morning!' }] };

test('with sseMaxRetryAttempts: 1 a dropped stream is reported and not re-POSTed', async () => {
  posts = 0;
  const client = createClient({ baseUrl, auth: 'demo-key-123' });
  const errors: unknown[] = [];
  const { stream } = await streamSpeakCharacter({
    client,
    path: { character_id: 'chr_1' },
    body,
    sseMaxRetryAttempts: 1,
    sseDefaultRetryDelay: 10, // were a retry to happen, it would happen within the wait below
    onSseError: (error) => errors.push(error),
  });
  const events: SpeakStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  await new Promise((resolve) => setTimeout(resolve, 300));

  assert.equal(posts, 1);
  assert.equal(errors.length, 1, 'the drop reaches onSseError');
  assert.deepEqual(
    events.map((event) => event.type),
    ['dialogue.delta'],
    'the stream ends without a terminal event: the caller must treat that as a failure',
  );
});

test('the generator default (no sseMaxRetryAttempts) re-POSTs: why the option must be set', async () => {
  posts = 0;
  const client = createClient({ baseUrl, auth: 'demo-key-123' });
  const abort = new AbortController();
  const { stream } = await streamSpeakCharacter({
    client,
    path: { character_id: 'chr_1' },
    body,
    signal: abort.signal,
    sseDefaultRetryDelay: 10,
    onSseError: () => {
      if (posts >= 2) abort.abort();
    },
  });
  const deadline = setTimeout(() => abort.abort(), 3000);
  for await (const _event of stream) {
    // drain
  }
  clearTimeout(deadline);
  assert.ok(posts >= 2, `expected the default to retry, saw ${posts} POST(s)`);
});
