// The console's only way to Troupe: the public API with the signed-in key, so it sees
// exactly what that key may see. The key lives in sessionStorage: it goes when the tab
// closes, and no other site can read it.

const keyName = "troupe.console.key";

/** ApiError is an answer in the API's standard error shape. */
export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public requestId?: string) {
    super(`${code}: ${message}`);
  }
}

/**
 * onThisOrigin is a signed file URL as a path on the console's own origin. The API signs
 * URLs on its PUBLIC_URL, which may not be the address this browser reached it by (a LAN
 * address, a proxy); the signature covers the path and query only, and the console's
 * content policy loads images and audio from its own origin alone.
 */
export function onThisOrigin(signed: string): string {
  try {
    const u = new URL(signed, location.href);
    return u.pathname + u.search;
  } catch {
    return signed;
  }
}

export function currentKey(): string | null {
  return sessionStorage.getItem(keyName);
}

export function signIn(key: string): void {
  sessionStorage.setItem(keyName, key);
}

export function signOut(): void {
  sessionStorage.removeItem(keyName);
}

function headers(json: boolean): HeadersInit {
  const h: Record<string, string> = { Authorization: "Bearer " + (currentKey() ?? "") };
  if (json) h["Content-Type"] = "application/json";
  return h;
}

async function failure(res: Response): Promise<ApiError> {
  try {
    const body = await res.json();
    const e = body.error ?? {};
    return new ApiError(res.status, e.code ?? "HTTP_" + res.status, e.message ?? res.statusText, e.request_id);
  } catch {
    return new ApiError(res.status, "HTTP_" + res.status, res.statusText);
  }
}

/** call sends one API request and returns its JSON body (or null for 204). */
export async function call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  return res.status === 204 ? (null as T) : res.json();
}

/** stream posts body and calls onEvent with each server-sent event as it arrives. */
export async function stream(path: string, body: unknown, onEvent: (type: string, data: any) => void): Promise<void> {
  const res = await fetch(path, {
    method: "POST",
    headers: { ...headers(true), Accept: "text/event-stream" },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let end: number;
    while ((end = buf.indexOf("\n\n")) >= 0) {
      const raw = buf.slice(0, end);
      buf = buf.slice(end + 2);
      let type = "message";
      const data: string[] = [];
      for (const line of raw.split("\n")) {
        if (line.startsWith("event: ")) type = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (data.length) onEvent(type, JSON.parse(data.join("\n")));
    }
  }
}
