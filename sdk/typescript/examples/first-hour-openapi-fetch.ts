// A studio's first hour with Troupe, through openapi-fetch and the types openapi-typescript
// generates from openapi.yaml (generated/openapi-typescript/schema.ts, see generate.sh).
//
//   TROUPE_URL=http://127.0.0.1:9000 TROUPE_KEY=demo-key-123 node dist/examples/first-hour-openapi-fetch.js
//
// Creates a world and a character in it, makes the character speak (JSON, then streamed as
// server-sent events), generates an avatar as an async job and downloads it, and reads one
// typed error. Exits non-zero on the first thing that does not go as the contract says.
import createClient from 'openapi-fetch';
import type { components, paths } from '../generated/openapi-typescript/schema.js';

type Schemas = components['schemas'];
type SpeakResponse = Schemas['SpeakResponse'];
type SpeakStreamEvent = Schemas['SpeakStreamEvent'];
type ErrorResponse = Schemas['ErrorResponse'];
type Job = Schemas['Job'];

// Compile-time checks that the generated types are the ones the contract promises.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(_proof: T): void {}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

function log(step: string, detail: string): void {
  console.log(`[openapi-fetch] ${step}: ${detail}`);
}

function describe(error: ErrorResponse | undefined, response: Response): string {
  return error
    ? `HTTP ${response.status} ${error.error.code}: ${error.error.message} (request ${error.error.request_id})`
    : `HTTP ${response.status}`;
}

const baseUrl = env('TROUPE_URL').replace(/\/+$/, '');
const client = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Bearer ${env('TROUPE_KEY')}` },
});

// One server-sent event as it arrives on the wire.
interface RawEvent {
  id?: string;
  event?: string;
  data: string;
}

// Splits a text/event-stream body into events: `field: value` lines, a blank line ends an
// event, lines starting with ':' are comments (the server's heartbeats) and are skipped.
async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<RawEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  let current: { id?: string; event?: string; data: string[] } = { data: [] };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = done ? '' : (lines.pop() ?? '');
      for (const line of lines) {
        if (line === '') {
          if (current.data.length > 0) {
            const event: RawEvent = { data: current.data.join('\n') };
            if (current.id !== undefined) event.id = current.id;
            if (current.event !== undefined) event.event = current.event;
            yield event;
          }
          current = { data: [] };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') current.data.push(value);
        else if (field === 'event') current.event = value;
        else if (field === 'id') current.id = value;
      }
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

// JSON.parse gives no type; check the discriminator and the fields each variant needs.
function toStreamEvent(data: string): SpeakStreamEvent {
  const parsed: unknown = JSON.parse(data);
  if (isObject(parsed) && typeof parsed.sequence_number === 'number') {
    if (parsed.type === 'dialogue.delta' && typeof parsed.delta === 'string') {
      return { type: 'dialogue.delta', sequence_number: parsed.sequence_number, delta: parsed.delta };
    }
    if (parsed.type === 'dialogue.completed' && isObject(parsed.response) && typeof parsed.response.text === 'string') {
      return parsed as SpeakStreamEvent;
    }
    if (parsed.type === 'error' && isObject(parsed.error) && typeof parsed.error.code === 'string') {
      return parsed as SpeakStreamEvent;
    }
  }
  throw new Error(`unexpected stream event: ${data}`);
}

async function main(): Promise<void> {
  // 1. A world, deterministic for its seed.
  const world = await client.POST('/v1/worlds', {
    body: { seed: 42, genre: 'dark_fantasy', tone: 'grim', size: 'small' },
  });
  if (!world.data) throw new Error(`create world: ${describe(world.error, world.response)}`);
  log('world', `${world.data.id} "${world.data.name}" seed ${world.data.seed}, ${world.data.regions.length} regions`);

  // 2. A character living in it. Only role and archetype are required; defaults stay optional.
  const character = await client.POST('/v1/characters', {
    body: { role: 'blacksmith', archetype: 'mentor', world_id: world.data.id },
  });
  if (!character.data) throw new Error(`create character: ${describe(character.error, character.response)}`);
  const characterId = character.data.id;
  log('character', `${characterId} ${character.data.name}, ${character.data.role}/${character.data.archetype}`);

  // 3. Speak, as JSON. /speak is JSON-only, so data is a SpeakResponse and nothing else.
  const spoken = await client.POST('/v1/characters/{character_id}/speak', {
    params: { path: { character_id: characterId } },
    body: { context_messages: [{ speaker: 'player', text: 'Good morning! Do you sell swords?' }] },
  });
  assertType<Same<NonNullable<typeof spoken.data>, SpeakResponse>>(true);
  if (!spoken.data) throw new Error(`speak: ${describe(spoken.error, spoken.response)}`);
  if (spoken.data.text.trim() === '') throw new Error('speak: empty text');
  log('speak', `"${spoken.data.text}" (mood ${spoken.data.mood}, engine ${spoken.data.engine})`);

  // 4. Speak, streamed. parseAs "stream" hands back the body; errors before the stream starts
  // are ordinary JSON ErrorResponses. openapi-fetch never retries, so a dropped stream is
  // reported, not re-sent (re-sending would make the character speak twice).
  const streamed = await client.POST('/v1/characters/{character_id}/speak/stream', {
    params: { path: { character_id: characterId } },
    body: { context_messages: [{ speaker: 'player', text: 'What is the news from the pass?' }] },
    headers: { Accept: 'text/event-stream' },
    parseAs: 'stream',
  });
  if (streamed.error !== undefined || !streamed.data) {
    throw new Error(`speak/stream: ${describe(streamed.error, streamed.response)}`);
  }
  const contentType = streamed.response.headers.get('Content-Type') ?? '';
  if (!contentType.startsWith('text/event-stream')) throw new Error(`speak/stream: Content-Type ${contentType}`);
  let completed: SpeakResponse | undefined;
  let deltas = '';
  let lastSequence = 0;
  for await (const raw of readEvents(streamed.data)) {
    const event = toStreamEvent(raw.data);
    if (event.sequence_number <= lastSequence) throw new Error(`speak/stream: sequence ${event.sequence_number} after ${lastSequence}`);
    lastSequence = event.sequence_number;
    if (raw.event !== event.type) throw new Error(`speak/stream: event "${String(raw.event)}" carries type "${event.type}"`);
    if (raw.id !== String(event.sequence_number)) throw new Error(`speak/stream: id ${String(raw.id)} for sequence ${event.sequence_number}`);
    switch (event.type) {
      case 'dialogue.delta':
        deltas += event.delta;
        process.stdout.write(`[openapi-fetch] delta ${event.sequence_number}: ${JSON.stringify(event.delta)}\n`);
        break;
      case 'dialogue.completed':
        completed = event.response;
        break;
      case 'error':
        throw new Error(`speak/stream: error event ${event.error.code}: ${event.error.message}`);
      case 'audio.started':
      case 'audio.delta':
      case 'audio.completed':
      case 'audio.failed':
        break; // the line's voice, sent only when the request asks for it ("voice": true)
      default: {
        const unknownEvent: never = event;
        throw new Error(`speak/stream: unknown event ${JSON.stringify(unknownEvent)}`);
      }
    }
    if (completed) break;
  }
  if (!completed) throw new Error('speak/stream: the stream ended before dialogue.completed (do not re-send it)');
  if (completed.text.trim() === '') throw new Error('speak/stream: empty text');
  // The deltas, concatenated in order, are the line's text.
  if (deltas !== completed.text) throw new Error(`speak/stream: deltas "${deltas}" differ from the text "${completed.text}"`);
  log('speak/stream', `${lastSequence} events, completed "${completed.text}"`);

  // 5. An avatar, as an async job.
  const submitted = await client.POST('/v1/images/avatar', {
    body: { description: 'A scarred dwarf blacksmith with a braided red beard', character_id: characterId },
  });
  if (!submitted.data) throw new Error(`avatar: ${describe(submitted.error, submitted.response)}`);
  if (submitted.response.status !== 202) throw new Error(`avatar: HTTP ${submitted.response.status}, want 202`);
  const jobId = submitted.data.job_id;
  log('avatar', `job ${jobId} ${submitted.data.status}`);

  // 6. Poll the job, bounded: 120 polls, 250 ms apart.
  let job: Job | undefined;
  for (let poll = 1; poll <= 120 && !job; poll++) {
    const got = await client.GET('/v1/jobs/{job_id}', { params: { path: { job_id: jobId } } });
    if (!got.data) throw new Error(`job: ${describe(got.error, got.response)}`);
    switch (got.data.status) {
      case 'pending':
      case 'processing':
        await new Promise((resolve) => setTimeout(resolve, 250));
        break;
      case 'completed':
        job = got.data;
        log('job', `${jobId} completed after ${poll} poll(s), ${got.data.attempts} attempt(s)`);
        break;
      case 'failed':
      case 'canceled':
        throw new Error(`job ${jobId} ${got.data.status}: ${got.data.error?.code ?? ''} ${got.data.error?.message ?? ''}`);
      default: {
        const unknownStatus: never = got.data.status;
        throw new Error(`job ${jobId}: unknown status ${String(unknownStatus)}`);
      }
    }
  }
  if (!job) throw new Error(`job ${jobId} did not complete in 30 s`);

  // 7. The result is keyed by the job's type: job.result.avatar for an avatar job.
  const avatar = job.result?.avatar;
  if (job.type !== 'avatar' || !avatar) throw new Error(`job ${jobId}: no result.avatar (${JSON.stringify(job.result)})`);
  // The signed URL works without the API key, as a game client would fetch it.
  const image = await fetch(avatar.image_url);
  if (!image.ok) throw new Error(`download ${avatar.image_url}: HTTP ${image.status}`);
  const bytes = new Uint8Array(await image.arrayBuffer());
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!png.every((byte, i) => bytes[i] === byte)) throw new Error('download: not a PNG');
  log('image', `${bytes.length} bytes of PNG, ${avatar.width}x${avatar.height}, ${avatar.file_id}, URL valid until ${avatar.expires_at}`);

  // 8. One typed error: an unknown character is a 404 ErrorResponse with a stable code.
  const missing = await client.GET('/v1/characters/{character_id}', {
    params: { path: { character_id: 'chr_doesnotexist' } },
  });
  if (missing.data !== undefined) throw new Error('get chr_doesnotexist: unexpectedly found');
  if (missing.response.status !== 404) throw new Error(`get chr_doesnotexist: HTTP ${missing.response.status}, want 404`);
  const code: Schemas['ErrorCode'] | undefined = missing.error?.error.code;
  if (code !== 'CHAR_NOT_FOUND') throw new Error(`get chr_doesnotexist: code ${String(code)}, want CHAR_NOT_FOUND`);
  log('error', `404 ${code} "${missing.error?.error.message ?? ''}" request ${missing.error?.error.request_id ?? ''}`);

  log('done', 'first hour complete');
}

main().catch((err: unknown) => {
  console.error(`[openapi-fetch] FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
