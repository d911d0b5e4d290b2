// Hand-written companion to the generated TroupeClient.cs: the streamed speak operation
// (POST /v1/characters/{character_id}/speak/stream, text/event-stream). NSwag has no
// server-sent-events support, so generate.sh leaves that operation out and this file adds it
// to the same partial client and interface, using the client's HttpClient, base URL,
// serializer settings and PrepareRequest/ProcessResponse hooks.
//
// Written for C# 7.3 / .NET Standard 2.1 (Unity 2021+), Newtonsoft.Json, no async streams
// (mono's mcs, used in CI, has no C# 8).
//
// The stream is never re-sent: the request changes the character's memory, so a dropped
// stream raises SpeakStreamInterruptedException instead of reconnecting; read
// GET /v1/characters/{character_id}/memory to learn whether the line was said.
using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Troupe
{
    public partial interface ITroupeClient
    {
        /// <summary>
        /// Make a character speak, streamed. Answers once the response headers are in; read the
        /// events with <see cref="SpeakEventStream.ReadAsync"/> until it returns null.
        /// Errors before the stream starts (400, 401, 404, 413, 415, 422, 500) throw
        /// ApiException&lt;ErrorResponse&gt; like every other operation.
        /// </summary>
        Task<SpeakEventStream> StreamSpeakCharacterAsync(SpeakRequest body, string characterId, CancellationToken cancellationToken = default(CancellationToken));
    }

    public partial class TroupeClient
    {
        public virtual async Task<SpeakEventStream> StreamSpeakCharacterAsync(SpeakRequest body, string characterId, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (body == null)
                throw new ArgumentNullException("body");
            if (characterId == null)
                throw new ArgumentNullException("characterId");

            var client = _httpClient;
            var request = new HttpRequestMessage(HttpMethod.Post, (string)null);
            HttpResponseMessage response = null;
            try
            {
                var json = Newtonsoft.Json.JsonConvert.SerializeObject(body, JsonSerializerSettings);
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
                request.Headers.Accept.Add(System.Net.Http.Headers.MediaTypeWithQualityHeaderValue.Parse("text/event-stream"));
                request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };

                var urlBuilder = new StringBuilder();
                if (!string.IsNullOrEmpty(_baseUrl))
                    urlBuilder.Append(_baseUrl);
                urlBuilder.Append("v1/characters/");
                urlBuilder.Append(Uri.EscapeDataString(characterId));
                urlBuilder.Append("/speak/stream");
                PrepareRequest(client, request, urlBuilder);
                var url = urlBuilder.ToString();
                request.RequestUri = new Uri(url, UriKind.RelativeOrAbsolute);
                PrepareRequest(client, request, url);

                // ResponseHeadersRead: hand the body over as it arrives instead of buffering it.
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);

                var headers = new Dictionary<string, IEnumerable<string>>();
                foreach (var h in response.Headers)
                    headers[h.Key] = h.Value;
                if (response.Content != null)
                    foreach (var h in response.Content.Headers)
                        headers[h.Key] = h.Value;

                ProcessResponse(client, response);

                var status = (int)response.StatusCode;
                if (status != 200)
                {
                    var text = response.Content == null ? null : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    ErrorResponse error = null;
                    try
                    {
                        error = Newtonsoft.Json.JsonConvert.DeserializeObject<ErrorResponse>(text ?? "", JsonSerializerSettings);
                    }
                    catch (Newtonsoft.Json.JsonException)
                    {
                    }
                    if (error != null && error.Error != null)
                        throw new ApiException<ErrorResponse>(error.Error.Message, status, text, headers, error, null);
                    throw new ApiException("The HTTP status code of the response was not expected (" + status + ").", status, text, headers, null);
                }

                var mediaType = response.Content == null || response.Content.Headers.ContentType == null
                    ? null : response.Content.Headers.ContentType.MediaType;
                if (!string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
                {
                    var text = response.Content == null ? null : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    throw new ApiException("Expected text/event-stream, got " + (mediaType ?? "no content type") + ".", status, text, headers, null);
                }

                var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                var events = new SpeakEventStream(response, stream, JsonSerializerSettings, headers);
                response = null; // owned by the SpeakEventStream now
                return events;
            }
            finally
            {
                request.Dispose();
                if (response != null)
                    response.Dispose();
            }
        }
    }

    /// <summary>
    /// The events of one streamed line, read in order. Dispose it (a using block) to close the
    /// connection early. Not thread-safe.
    /// </summary>
    public sealed class SpeakEventStream : IDisposable
    {
        readonly HttpResponseMessage response;
        readonly SseReader reader;
        readonly Newtonsoft.Json.JsonSerializerSettings settings;
        bool finished;

        internal SpeakEventStream(HttpResponseMessage response, Stream body, Newtonsoft.Json.JsonSerializerSettings settings, IReadOnlyDictionary<string, IEnumerable<string>> headers)
        {
            this.response = response;
            this.reader = new SseReader(body);
            this.settings = settings;
            Headers = headers;
        }

        /// <summary>Response headers (X-Request-Id among them).</summary>
        public IReadOnlyDictionary<string, IEnumerable<string>> Headers { get; private set; }

        /// <summary>The SSE id of the last event read (its sequence_number).</summary>
        public string LastEventId { get; private set; }

        /// <summary>
        /// The next event: a DialogueDeltaEvent, then one terminal DialogueCompletedEvent or
        /// DialogueErrorEvent, after which it returns null. An event type this SDK does not know
        /// comes back as a plain SpeakStreamEvent (skip it). Throws
        /// SpeakStreamInterruptedException if the connection ends before a terminal event.
        /// </summary>
        public async Task<SpeakStreamEvent> ReadAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            if (finished)
                return null;
            while (true)
            {
                SseEvent raw;
                try
                {
                    raw = await reader.ReadEventAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    finished = true;
                    throw new SpeakStreamInterruptedException(LastEventId, e);
                }
                if (raw == null)
                {
                    finished = true;
                    throw new SpeakStreamInterruptedException(LastEventId, null);
                }
                if (raw.Data == null)
                    continue; // an event with no data line carries nothing
                if (raw.Id != null)
                    LastEventId = raw.Id;

                SpeakStreamEvent ev;
                try
                {
                    // SpeakStreamEvent's generated JsonInheritanceConverter picks the subclass
                    // from the JSON "type" member.
                    ev = Newtonsoft.Json.JsonConvert.DeserializeObject<SpeakStreamEvent>(raw.Data, settings);
                }
                catch (Newtonsoft.Json.JsonException e)
                {
                    finished = true;
                    throw new ApiException("Could not parse stream event '" + raw.Event + "': " + e.Message, 200, raw.Data, Headers, e);
                }
                if (ev == null)
                    continue;
                if (ev is DialogueCompletedEvent || ev is DialogueErrorEvent)
                    finished = true;
                return ev;
            }
        }

        public void Dispose()
        {
            finished = true;
            reader.Dispose();
            response.Dispose();
        }
    }

    /// <summary>
    /// The connection ended before the terminal event. Do not re-send the request: the
    /// character may already have said (and remembered) the line. Check
    /// GET /v1/characters/{character_id}/memory first.
    /// </summary>
    public class SpeakStreamInterruptedException : Exception
    {
        public SpeakStreamInterruptedException(string lastEventId, Exception inner)
            : base("The speak stream ended before dialogue.completed or error (last event id: "
                + (lastEventId ?? "none") + "). Do not re-send it; read the character's memory to see whether the line was said.", inner)
        {
            LastEventId = lastEventId;
        }

        public string LastEventId { get; private set; }
    }

    /// <summary>One server-sent event as sent: its event name, id and data (data lines joined by \n).</summary>
    public sealed class SseEvent
    {
        public string Event { get; set; }
        public string Id { get; set; }
        public string Data { get; set; }
    }

    /// <summary>
    /// A minimal text/event-stream parser: lines end with \n, \r\n or \r; a blank line ends an
    /// event; lines starting with ':' are comments (heartbeats); "field: value" with one
    /// optional space after the colon; several data lines are joined with \n; `retry` is
    /// ignored because this client never reconnects.
    /// </summary>
    public sealed class SseReader : IDisposable
    {
        readonly StreamReader reader;

        public SseReader(Stream stream)
        {
            reader = new StreamReader(stream, new UTF8Encoding(false), false);
        }

        /// <summary>The next event, or null when the stream ends (an unterminated last event is dropped).</summary>
        public async Task<SseEvent> ReadEventAsync(CancellationToken cancellationToken)
        {
            string eventName = null, id = null;
            StringBuilder data = null;
            var any = false;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var line = await reader.ReadLineAsync().ConfigureAwait(false);
                if (line == null)
                    return null;
                if (line.Length == 0)
                {
                    if (!any)
                        continue;
                    return new SseEvent { Event = eventName ?? "message", Id = id, Data = data == null ? null : data.ToString() };
                }
                if (line[0] == ':')
                    continue;

                string field, value;
                var colon = line.IndexOf(':');
                if (colon < 0)
                {
                    field = line;
                    value = "";
                }
                else
                {
                    field = line.Substring(0, colon);
                    value = line.Substring(colon + 1);
                    if (value.Length > 0 && value[0] == ' ')
                        value = value.Substring(1);
                }
                switch (field)
                {
                    case "event":
                        eventName = value;
                        any = true;
                        break;
                    case "data":
                        if (data == null)
                            data = new StringBuilder(value);
                        else
                            data.Append('\n').Append(value);
                        any = true;
                        break;
                    case "id":
                        if (value.IndexOf('\0') < 0)
                            id = value;
                        any = true;
                        break;
                    default:
                        break; // retry and unknown fields
                }
            }
        }

        public void Dispose()
        {
            reader.Dispose();
        }
    }
}
