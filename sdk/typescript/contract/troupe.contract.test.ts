// A contract test a studio can copy into its own repository: it pins down the parts of the
// Troupe API a game relies on, through the SDK @hey-api/openapi-ts generates, against a live
// server. Runs with Node's built-in test runner (no test framework to install):
//
//   TROUPE_URL=http://127.0.0.1:9000 TROUPE_KEY=demo-key-123 node --test dist/contract/
//
// Use a test-mode server (local engines): it is deterministic and needs no provider key.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createClient } from '../generated/hey-api/client/index.js';
import {
  createAvatar,
  createCharacter,
  createWorld,
  getCharacter,
  getJob,
  speakCharacter,
  streamSpeakCharacter,
} from '../generated/hey-api/sdk.gen.js';
import type { ApiError, CreateWorldRequest, Job, SpeakStreamEvent, World } from '../generated/hey-api/types.gen.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

const baseUrl = env('TROUPE_URL').replace(/\/+$/, '');
const client = createClient({ baseUrl, auth: env('TROUPE_KEY') });

// The parts of a world that are a function of its seed and parameters: not its id, its
// creation time or the lorebooks attached to the stored copy (the first is generated from
// the content, but has an id of its own).
function content(world: World): Omit<World, 'id' | 'created_at' | 'lorebook_ids'> {
  const { id: _id, created_at: _createdAt, lorebook_ids: _lorebooks, ...rest } = world;
  return rest;
}

async function newWorld(body: CreateWorldRequest): Promise<World> {
  const { data, error, response } = await createWorld({ client, body });
  assert.equal(response.status, 201, JSON.stringify(error));
  assert.ok(data);
  return data;
}

async function newCharacter(): Promise<string> {
  const { data, error, response } = await createCharacter({ client, body: { role: 'innkeeper', archetype: 'trickster' } });
  assert.equal(response.status, 201, JSON.stringify(error));
  assert.ok(data);
  return data.id;
}

// Every error has one shape, and its request_id is the X-Request-Id header.
function assertApiError(error: ApiError, response: Response): void {
  assert.equal(typeof error.code, 'string');
  assert.match(error.code, /^[A-Z_]+$/);
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
  assert.equal(typeof error.details, 'object');
  assert.equal(error.request_id, response.headers.get('X-Request-Id'));
}

test('a world is deterministic for its seed and parameters', async () => {
  const params: CreateWorldRequest = { seed: 4242, genre: 'sci_fi', tone: 'mysterious', size: 'small' };
  const first = await newWorld(params);
  const second = await newWorld(params);
  assert.notEqual(first.id, second.id);
  assert.deepEqual(content(second), content(first));
  assert.equal(first.seed, 4242);
  assert.equal(first.regions.length, 3);

  const other = await newWorld({ ...params, seed: 4243 });
  assert.notDeepEqual(content(other), content(first));
});

test('a world without a seed gets one, and that seed makes it again', async () => {
  const random = await newWorld({ genre: 'fantasy' });
  const again = await newWorld({ seed: random.seed, genre: 'fantasy' });
  assert.deepEqual(content(again), content(random));
});

test('defaults apply to what a request leaves out', async () => {
  const world = await newWorld({ seed: 7 });
  assert.deepEqual(
    { genre: world.parameters.genre, tone: world.parameters.tone, size: world.parameters.size },
    { genre: 'fantasy', tone: 'heroic', size: 'medium' },
  );
});

test('speak answers with text and remembers the exchange', async () => {
  const characterId = await newCharacter();
  const { data, error, response } = await speakCharacter({
    client,
    path: { character_id: characterId },
    body: { context_messages: [{ speaker: 'player', text: 'Any rooms free tonight?' }] },
  });
  assert.equal(response.status, 200, JSON.stringify(error));
  assert.ok(data);
  assert.equal(data.character_id, characterId);
  assert.ok(data.text.trim().length > 0);
  const kinds = data.memory_entries.map((entry) => entry.kind);
  assert.ok(kinds.includes('heard') && kinds.includes('said'), `memory entries: ${kinds.join(', ')}`);
});

test('speak/stream sends deltas and then exactly one terminal event', async () => {
  const characterId = await newCharacter();
  let failure: unknown;
  const wire: { id: string | undefined; event: string | undefined }[] = [];
  const { stream } = await streamSpeakCharacter({
    client,
    path: { character_id: characterId },
    body: { context_messages: [{ speaker: 'player', text: 'Tell me a rumour.' }] },
    headers: { Accept: 'text/event-stream' },
    sseMaxRetryAttempts: 1, // one attempt: a dropped stream must never be re-POSTed
    onSseError: (error) => {
      failure = error;
    },
    // Sees every event as framed on the wire; comment-only heartbeats have no data.
    onSseEvent: (event) => {
      if (event.data !== undefined) wire.push({ id: event.id, event: event.event });
    },
  });
  const events: SpeakStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  assert.equal(failure, undefined);
  assert.ok(events.length >= 2, `${events.length} events`);
  events.forEach((event, i) => assert.equal(event.sequence_number, i + 1));
  const last = events[events.length - 1];
  assert.ok(last);
  assert.equal(last.type, 'dialogue.completed', JSON.stringify(last));
  assert.ok(events.slice(0, -1).every((event) => event.type === 'dialogue.delta'));
  // Each event's SSE id is its sequence_number and its SSE event name is its type.
  assert.deepEqual(
    wire,
    events.map((event) => ({ id: String(event.sequence_number), event: event.type })),
  );
  if (last.type === 'dialogue.completed') {
    assert.equal(last.response.character_id, characterId);
    assert.ok(last.response.text.trim().length > 0);
    // Concatenated in order, the deltas are the line's text.
    const deltas = events.map((event) => (event.type === 'dialogue.delta' ? event.delta : '')).join('');
    assert.equal(deltas, last.response.text);
  }
});

test('speak/stream answers an unknown character with a JSON 404 before any event', async () => {
  // A plain POST shows the body the SSE client would not hand over.
  const response = await fetch(`${baseUrl}/v1/characters/chr_doesnotexist/speak/stream`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${env('TROUPE_KEY')}`, 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify({ context_messages: [{ speaker: 'player', text: 'Hello?' }] }),
  });
  assert.equal(response.status, 404);
  assert.match(response.headers.get('Content-Type') ?? '', /^application\/json/);
  const body = (await response.json()) as { error: ApiError };
  assertApiError(body.error, response);
  assert.equal(body.error.code, 'CHAR_NOT_FOUND');
});

test('an unknown character is a typed 404 CHAR_NOT_FOUND', async () => {
  const { data, error, response } = await getCharacter({ client, path: { character_id: 'chr_doesnotexist' } });
  assert.equal(data, undefined);
  assert.equal(response.status, 404);
  assert.ok(error);
  assertApiError(error.error, response);
  assert.equal(error.error.code, 'CHAR_NOT_FOUND');
});

test('an invalid body is a 422 VALIDATION_ERROR naming the field', async () => {
  const { error, response } = await createWorld({ client, body: { seed: -1 } });
  assert.equal(response.status, 422);
  assert.ok(error);
  assertApiError(error.error, response);
  assert.equal(error.error.code, 'VALIDATION_ERROR');
  const fields = error.error.details.fields?.map((field) => field.field) ?? [];
  assert.ok(fields.includes('seed'), `fields: ${fields.join(', ')}`);
});

test('a wrong API key is a 401 INVALID_API_KEY', async () => {
  const stranger = createClient({ baseUrl, auth: 'not-a-key' });
  const { error, response } = await getCharacter({ client: stranger, path: { character_id: 'chr_doesnotexist' } });
  assert.equal(response.status, 401);
  assert.ok(error);
  assertApiError(error.error, response);
  assert.equal(error.error.code, 'INVALID_API_KEY');
});

test('an avatar job completes with its result under result.avatar, downloadable without the key', async () => {
  const submitted = await createAvatar({ client, body: { description: 'A lantern-jawed innkeeper', seed: 1234 } });
  assert.equal(submitted.response.status, 202, JSON.stringify(submitted.error));
  assert.ok(submitted.data);
  assert.match(submitted.data.job_id, /^job_/);

  let job: Job | undefined;
  for (let poll = 0; poll < 120; poll++) {
    const { data } = await getJob({ client, path: { job_id: submitted.data.job_id } });
    assert.ok(data);
    assert.ok(data.status !== 'failed' && data.status !== 'canceled', JSON.stringify(data.error));
    if (data.status === 'completed') {
      job = data;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.ok(job, 'the job did not complete in 30 s');
  assert.equal(job.type, 'avatar');
  assert.ok(job.result);
  // Exactly one key, the job's type.
  assert.deepEqual(Object.keys(job.result), ['avatar']);
  const avatar = job.result.avatar;
  assert.ok(avatar);
  assert.match(avatar.file_id, /^file_/);
  assert.equal(avatar.seed_used, 1234);
  assert.ok(Date.parse(avatar.expires_at) > Date.now(), avatar.expires_at);

  const image = await fetch(avatar.image_url);
  assert.equal(image.status, 200);
  const bytes = new Uint8Array(await image.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
});
