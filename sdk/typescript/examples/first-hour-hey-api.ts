// A studio's first hour with Troupe, through the SDK @hey-api/openapi-ts generates from
// openapi.yaml (generated/hey-api/, with its bundled fetch client; see generate.sh).
//
//   TROUPE_URL=http://127.0.0.1:9000 TROUPE_KEY=demo-key-123 node dist/examples/first-hour-hey-api.js
//
// Creates a world and a character in it, makes the character speak (JSON, then streamed as
// server-sent events through the SDK's typed SSE support), generates an avatar as an async
// job and downloads it, and reads one typed error. Exits non-zero on the first thing that
// does not go as the contract says.
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
import type {
  ErrorCode,
  ErrorResponse,
  Job,
  SpeakRequest,
  SpeakResponse,
  SpeakStreamEvent,
} from '../generated/hey-api/types.gen.js';

// Compile-time checks that the generated types are the ones the contract promises.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(_proof: T): void {}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

function log(step: string, detail: string): void {
  console.log(`[hey-api] ${step}: ${detail}`);
}

// On a network failure the client returns the thrown exception as `error` and no `response`,
// although the generated types say ErrorResponse and Response: check `response` first.
function describe(error: ErrorResponse | undefined, response: Response | undefined): string {
  if (response === undefined) return `no response: ${error instanceof Error ? error.message : String(error)}`;
  const status = `HTTP ${response.status}`;
  return error?.error ? `${status} ${error.error.code}: ${error.error.message} (request ${error.error.request_id})` : status;
}

const client = createClient({
  baseUrl: env('TROUPE_URL').replace(/\/+$/, ''),
  // Every /v1 operation declares bearerAuth; the client adds "Authorization: Bearer <auth>".
  auth: env('TROUPE_KEY'),
});

// Streams a line. The SDK's SSE client re-POSTs a failed or dropped stream by default (with
// exponential backoff, forever): that would make the character speak twice. The option
// sseMaxRetryAttempts counts attempts including the first, so 1 means "never retry".
// With retries off a failure does not throw: it goes to onSseError and the stream simply
// ends, so a stream that ends without its terminal event is a failure the caller must see.
async function streamLine(
  characterId: string,
  body: SpeakRequest,
  onDelta: (delta: string, sequence: number) => void,
): Promise<{ response: SpeakResponse; events: number }> {
  let failure: unknown;
  let errorBody: string | undefined;
  const { stream } = await streamSpeakCharacter({
    client,
    path: { character_id: characterId },
    body,
    headers: { Accept: 'text/event-stream' },
    sseMaxRetryAttempts: 1,
    onSseError: (error) => {
      failure = error;
    },
    // The SSE client drops the body of a non-2xx answer (404, 422 come before the stream
    // starts as JSON ErrorResponses); keep it to report the typed error.
    fetch: async (request) => {
      const response = await fetch(request);
      if (!response.ok) errorBody = await response.clone().text();
      return response;
    },
  });
  let events = 0;
  let lastSequence = 0;
  let deltas = '';
  for await (const event of stream) {
    assertType<Same<typeof event, SpeakStreamEvent>>(true);
    events++;
    if (event.sequence_number <= lastSequence) throw new Error(`sequence ${event.sequence_number} after ${lastSequence}`);
    lastSequence = event.sequence_number;
    switch (event.type) {
      case 'dialogue.delta':
        deltas += event.delta;
        onDelta(event.delta, event.sequence_number);
        break;
      case 'dialogue.completed':
        // The deltas, concatenated in order, are the line's text.
        if (deltas !== event.response.text) throw new Error(`deltas "${deltas}" differ from the text "${event.response.text}"`);
        return { response: event.response, events };
      case 'error':
        throw new Error(`error event ${event.error.code}: ${event.error.message}`);
      case 'audio.started':
      case 'audio.delta':
      case 'audio.completed':
      case 'audio.failed':
        break; // the line's voice, sent only when the request asks for it ("voice": true)
      default: {
        const unknownEvent: never = event;
        throw new Error(`unknown event ${JSON.stringify(unknownEvent)}`);
      }
    }
  }
  if (errorBody !== undefined) {
    const parsed = JSON.parse(errorBody) as ErrorResponse;
    throw new Error(`${parsed.error.code}: ${parsed.error.message}`);
  }
  const reason = failure instanceof Error ? failure.message : String(failure ?? 'closed');
  throw new Error(`the stream ended before dialogue.completed (${reason}); not re-sent`);
}

async function main(): Promise<void> {
  // 1. A world, deterministic for its seed.
  const world = await createWorld({
    client,
    body: { seed: 42, genre: 'dark_fantasy', tone: 'grim', size: 'small' },
  });
  if (!world.data) throw new Error(`create world: ${describe(world.error, world.response)}`);
  log('world', `${world.data.id} "${world.data.name}" seed ${world.data.seed}, ${world.data.regions.length} regions`);

  // 2. A character living in it. Only role and archetype are required.
  const character = await createCharacter({
    client,
    body: { role: 'blacksmith', archetype: 'mentor', world_id: world.data.id },
  });
  if (!character.data) throw new Error(`create character: ${describe(character.error, character.response)}`);
  const characterId = character.data.id;
  log('character', `${characterId} ${character.data.name}, ${character.data.role}/${character.data.archetype}`);

  // 3. Speak, as JSON. /speak is JSON-only, so data is a SpeakResponse and nothing else.
  const spoken = await speakCharacter({
    client,
    path: { character_id: characterId },
    body: { context_messages: [{ speaker: 'player', text: 'Good morning! Do you sell swords?' }] },
  });
  assertType<Same<NonNullable<typeof spoken.data>, SpeakResponse>>(true);
  if (!spoken.data) throw new Error(`speak: ${describe(spoken.error, spoken.response)}`);
  if (spoken.data.text.trim() === '') throw new Error('speak: empty text');
  log('speak', `"${spoken.data.text}" (mood ${spoken.data.mood}, engine ${spoken.data.engine})`);

  // 4. Speak, streamed: typed SpeakStreamEvents, deltas printed, ends on dialogue.completed.
  const streamed = await streamLine(
    characterId,
    { context_messages: [{ speaker: 'player', text: 'What is the news from the pass?' }] },
    (delta, sequence) => log(`delta ${sequence}`, JSON.stringify(delta)),
  ).catch((err: unknown) => {
    throw new Error(`speak/stream: ${err instanceof Error ? err.message : String(err)}`);
  });
  if (streamed.response.text.trim() === '') throw new Error('speak/stream: empty text');
  log('speak/stream', `${streamed.events} events, completed "${streamed.response.text}"`);

  // 5. An avatar, as an async job.
  const submitted = await createAvatar({
    client,
    body: { description: 'A scarred dwarf blacksmith with a braided red beard', character_id: characterId },
  });
  if (!submitted.data) throw new Error(`avatar: ${describe(submitted.error, submitted.response)}`);
  if (submitted.response.status !== 202) throw new Error(`avatar: HTTP ${submitted.response.status}, want 202`);
  const jobId = submitted.data.job_id;
  log('avatar', `job ${jobId} ${submitted.data.status}`);

  // 6. Poll the job, bounded: 120 polls, 250 ms apart.
  let job: Job | undefined;
  for (let poll = 1; poll <= 120 && !job; poll++) {
    const got = await getJob({ client, path: { job_id: jobId } });
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
  const missing = await getCharacter({ client, path: { character_id: 'chr_doesnotexist' } });
  if (missing.data !== undefined) throw new Error('get chr_doesnotexist: unexpectedly found');
  if (missing.response.status !== 404) throw new Error(`get chr_doesnotexist: HTTP ${missing.response.status}, want 404`);
  assertType<Same<typeof missing.error, ErrorResponse>>(true);
  const code: ErrorCode = missing.error.error.code;
  if (code !== 'CHAR_NOT_FOUND') throw new Error(`get chr_doesnotexist: code ${code}, want CHAR_NOT_FOUND`);
  log('error', `404 ${code} "${missing.error.error.message}" request ${missing.error.error.request_id}`);

  log('done', 'first hour complete');
}

main().catch((err: unknown) => {
  console.error(`[hey-api] FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
