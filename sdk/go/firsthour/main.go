// Command firsthour runs a studio's first hour with Troupe through the Go client generated
// from openapi.yaml (package gen): it creates a world and a character in it, makes the
// character speak (JSON, then streamed as typed server-sent events), generates an avatar as
// an async job, polls the job, downloads the image from its signed URL and checks that it is
// a PNG, and reads one typed error. It prints each step and exits 1 on the first failure.
//
//	TROUPE_URL=http://127.0.0.1:9000 TROUPE_KEY=demo-key-123 go run ./sdk/go/firsthour
//
// TROUPE_URL defaults to http://localhost:9000 (make run) and TROUPE_KEY to demo-key-123.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/gen"
)

// pngMagic is the signature every PNG file starts with.
var pngMagic = []byte("\x89PNG\r\n\x1a\n")

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "firsthour: FAILED: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("firsthour: all steps passed")
}

func run() error {
	base := envOr("TROUPE_URL", "http://localhost:9000")
	key := envOr("TROUPE_KEY", "demo-key-123")
	if u, err := url.Parse(base); err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("TROUPE_URL %q is not an absolute URL", base)
	}

	// The spec's servers entry is relative ("/"): a client always passes the base URL.
	// No client-wide timeout, since it would also cut the event stream; each step has a
	// context deadline instead.
	httpClient := &http.Client{}
	client, err := gen.NewClientWithResponses(base,
		gen.WithHTTPClient(httpClient),
		gen.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+key)
			return nil
		}),
	)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	fmt.Printf("firsthour: %s\n", base)

	world, err := createWorld(client)
	if err != nil {
		return err
	}
	character, err := createCharacter(client, world.Id)
	if err != nil {
		return err
	}
	if err := speak(client, character.Id); err != nil {
		return err
	}
	if err := speakStreamed(client, character.Id); err != nil {
		return err
	}
	job, err := avatarJob(client, character.Id)
	if err != nil {
		return err
	}
	if err := downloadPNG(httpClient, job); err != nil {
		return err
	}
	return typedError(client)
}

func createWorld(c *gen.ClientWithResponses) (*gen.World, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := c.CreateWorldWithResponse(ctx, nil, gen.CreateWorldRequest{
		Seed:  ptr(gen.Seed(42)),
		Genre: ptr(gen.GenreDarkFantasy),
		Tone:  ptr(gen.ToneGrim),
		Size:  ptr(gen.WorldSizeSmall),
	})
	if err != nil {
		return nil, fmt.Errorf("create world: %w", err)
	}
	if res.StatusCode() != http.StatusCreated || res.JSON201 == nil {
		return nil, unexpected("create world", res.HTTPResponse, res.Body)
	}
	w := res.JSON201
	fmt.Printf("1. world %s %q (seed %d, %s): %d regions, %d factions\n",
		w.Id, w.Name, w.Seed, w.Parameters.Genre, len(w.Regions), len(w.Factions))
	return w, nil
}

func createCharacter(c *gen.ClientWithResponses, worldID string) (*gen.Character, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := c.CreateCharacterWithResponse(ctx, nil, gen.CreateCharacterRequest{
		Role:      "blacksmith",
		Archetype: "mentor",
		WorldId:   &worldID,
		SkillTier: ptr(gen.SkillTierExpert),
	})
	if err != nil {
		return nil, fmt.Errorf("create character: %w", err)
	}
	if res.StatusCode() != http.StatusCreated || res.JSON201 == nil {
		return nil, unexpected("create character", res.HTTPResponse, res.Body)
	}
	ch := res.JSON201
	fmt.Printf("2. character %s %q, %s %s, in %s\n", ch.Id, ch.Name, ch.Archetype, ch.Role, worldID)
	return ch, nil
}

func speakRequest(text string) gen.SpeakRequest {
	return gen.SpeakRequest{ContextMessages: []gen.Message{{Speaker: "player", Text: text}}}
}

func speak(c *gen.ClientWithResponses, characterID string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := c.SpeakCharacterWithResponse(ctx, characterID, nil, speakRequest("Good morning! Do you sell swords?"))
	if err != nil {
		return fmt.Errorf("speak: %w", err)
	}
	if res.StatusCode() != http.StatusOK || res.JSON200 == nil {
		return unexpected("speak", res.HTTPResponse, res.Body)
	}
	line := res.JSON200
	if strings.TrimSpace(line.Text) == "" {
		return errors.New("speak: the line is empty")
	}
	fmt.Printf("3. speak: %q (mood %s, emotion %s, %s/%s)\n", line.Text, line.Mood, line.Emotion, line.Engine, line.Model)
	return nil
}

// speakStreamed reads the streamed line through the generated client's raw call (the spec
// declares text/event-stream, which the typed wrapper leaves unparsed) and decodes each
// event's data into the generated gen.SpeakStreamEvent union. A dropped stream is reported,
// never re-sent: a second POST would make the character speak a second line.
func speakStreamed(c *gen.ClientWithResponses, characterID string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := c.StreamSpeakCharacter(ctx, characterID, nil, speakRequest("Can you mend my cracked shield?"),
		func(_ context.Context, req *http.Request) error {
			req.Header.Set("Accept", "text/event-stream")
			return nil
		})
	if err != nil {
		return fmt.Errorf("speak stream: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		return unexpected("speak stream", res, body)
	}
	if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); mt != "text/event-stream" {
		return fmt.Errorf("speak stream: Content-Type %q, want text/event-stream", res.Header.Get("Content-Type"))
	}

	fmt.Print("4. speak stream: ")
	var text strings.Builder
	deltas, want := 0, 1
	err = readSSE(res.Body, func(ev sseEvent) (bool, error) {
		var event gen.SpeakStreamEvent
		if err := json.Unmarshal([]byte(ev.data), &event); err != nil {
			return false, fmt.Errorf("event %q: data is not JSON: %w", ev.name, err)
		}
		kind, err := event.Discriminator()
		if err != nil {
			return false, fmt.Errorf("event %q: no type: %w", ev.name, err)
		}
		if ev.name != kind {
			return false, fmt.Errorf("SSE event %q carries type %q", ev.name, kind)
		}
		value, err := event.ValueByDiscriminator()
		if err != nil {
			return false, fmt.Errorf("event %q: %w", kind, err)
		}
		var seq int
		done := false
		switch e := value.(type) {
		case gen.DialogueDeltaEvent:
			seq = e.SequenceNumber
			text.WriteString(e.Delta)
			deltas++
			fmt.Print(e.Delta)
		case gen.DialogueCompletedEvent:
			seq = e.SequenceNumber
			fmt.Println()
			if e.Response.Text != text.String() {
				return false, fmt.Errorf("dialogue.completed text %q differs from the deltas %q", e.Response.Text, text.String())
			}
			fmt.Printf("   completed after %d deltas (mood %s, emotion %s)\n", deltas, e.Response.Mood, e.Response.Emotion)
			done = true
		case gen.DialogueErrorEvent:
			fmt.Println()
			return false, fmt.Errorf("error event: %s: %s (request %s)", e.Error.Code, e.Error.Message, e.Error.RequestId)
		default:
			return false, fmt.Errorf("event %q: unexpected %T", kind, value)
		}
		if seq != want {
			return false, fmt.Errorf("event %q has sequence_number %d, want %d", kind, seq, want)
		}
		if ev.id != strconv.Itoa(seq) {
			return false, fmt.Errorf("event %q has SSE id %q, want %d", kind, ev.id, seq)
		}
		want++
		return done, nil
	})
	if err != nil {
		return fmt.Errorf("speak stream: %w", err)
	}
	if deltas == 0 {
		return errors.New("speak stream: no dialogue.delta before dialogue.completed")
	}
	return nil
}

// sseEvent is one dispatched server-sent event.
type sseEvent struct {
	id, name, data string
}

// readSSE parses a text/event-stream body (lines of "field: value", events ended by a
// blank line, comment lines starting with ':') and calls handle for each event until it
// answers done. A stream that ends before that is an error.
func readSSE(body io.Reader, handle func(sseEvent) (done bool, err error)) error {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var ev sseEvent
	var data []string
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			if data == nil {
				ev = sseEvent{}
				continue
			}
			ev.data = strings.Join(data, "\n")
			if ev.name == "" {
				ev.name = "message"
			}
			done, err := handle(ev)
			if err != nil || done {
				return err
			}
			ev, data = sseEvent{}, nil
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue // a comment, such as ": heartbeat"
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			ev.id = value
		case "event":
			ev.name = value
		case "data":
			data = append(data, value)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("the stream broke before its last event (not re-sent): %w", err)
	}
	return errors.New("the stream ended before dialogue.completed (not re-sent)")
}

func avatarJob(c *gen.ClientWithResponses, characterID string) (*gen.Job, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := c.CreateAvatarWithResponse(ctx, nil, gen.AvatarRequest{
		Description: "A scarred dwarf blacksmith with a braided red beard",
		CharacterId: &characterID,
		Style:       ptr(gen.ImageStylePixelArt),
		Seed:        ptr(gen.Seed(1234)),
	})
	if err != nil {
		return nil, fmt.Errorf("avatar: %w", err)
	}
	if res.StatusCode() != http.StatusAccepted || res.JSON202 == nil {
		return nil, unexpected("avatar", res.HTTPResponse, res.Body)
	}
	jobID := res.JSON202.JobId
	fmt.Printf("5. avatar job %s accepted (%s)\n", jobID, res.JSON202.Status)

	// Poll for at most two minutes: the local engine takes milliseconds, a provider seconds.
	deadline := time.Now().Add(2 * time.Minute)
	for polls := 1; ; polls++ {
		pctx, pcancel := context.WithTimeout(context.Background(), 10*time.Second)
		jr, err := c.GetJobWithResponse(pctx, jobID)
		pcancel()
		if err != nil {
			return nil, fmt.Errorf("get job: %w", err)
		}
		if jr.StatusCode() != http.StatusOK || jr.JSON200 == nil {
			return nil, unexpected("get job", jr.HTTPResponse, jr.Body)
		}
		job := jr.JSON200
		switch job.Status {
		case gen.JobStatusCompleted:
			fmt.Printf("6. job %s completed after %d poll(s), %d attempt(s)\n", job.JobId, polls, job.Attempts)
			return job, nil
		case gen.JobStatusFailed, gen.JobStatusCanceled:
			if job.Error != nil {
				return nil, fmt.Errorf("job %s %s: %s: %s", job.JobId, job.Status, job.Error.Code, job.Error.Message)
			}
			return nil, fmt.Errorf("job %s %s", job.JobId, job.Status)
		case gen.JobStatusPending, gen.JobStatusProcessing:
		default:
			return nil, fmt.Errorf("job %s: unknown status %q", job.JobId, job.Status)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("job %s still %s after %d polls", job.JobId, job.Status, polls)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// downloadPNG fetches the avatar from its signed URL, on purpose without the API key (a game
// client gets only the URL), and checks the PNG signature.
func downloadPNG(httpClient *http.Client, job *gen.Job) error {
	if job.Type != gen.JobTypeAvatar {
		return fmt.Errorf("job type %q, want %q", job.Type, gen.JobTypeAvatar)
	}
	if job.Result == nil || job.Result.Avatar == nil {
		return errors.New("completed avatar job has no result.avatar")
	}
	img := job.Result.Avatar
	if job.Result.Background != nil || job.Result.Tts != nil {
		return errors.New("result has members other than avatar")
	}
	u, err := url.Parse(img.ImageUrl)
	if err != nil || !u.IsAbs() {
		return fmt.Errorf("image_url %q is not an absolute URL", img.ImageUrl)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, img.ImageUrl, nil)
	if err != nil {
		return err
	}
	res, err := httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("download image: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 32<<20))
	if err != nil {
		return fmt.Errorf("download image: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		return unexpected("download image", res, body)
	}
	if !bytes.HasPrefix(body, pngMagic) {
		return fmt.Errorf("image is not a PNG (starts % x, Content-Type %q)", body[:min(len(body), 8)], res.Header.Get("Content-Type"))
	}
	fmt.Printf("7. image %s: %d bytes of PNG, %dx%d, %s/%s, URL valid until %s\n",
		img.FileId, len(body), img.Width, img.Height, img.Engine, img.Model, img.ExpiresAt.Format(time.RFC3339))
	return nil
}

// typedError asks for a character that does not exist and reads the 404 as the generated
// ErrorResponse, checking its stable code.
func typedError(c *gen.ClientWithResponses) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := c.GetCharacterWithResponse(ctx, "chr_doesnotexist")
	if err != nil {
		return fmt.Errorf("get missing character: %w", err)
	}
	if res.StatusCode() != http.StatusNotFound || res.JSON404 == nil {
		return unexpected("get missing character", res.HTTPResponse, res.Body)
	}
	apiErr := res.JSON404.Error
	if apiErr.Code != gen.ErrorCodeCharNotFound {
		return fmt.Errorf("get missing character: code %q, want %q", apiErr.Code, gen.ErrorCodeCharNotFound)
	}
	// The spec declares X-Request-Id on every response, so the client parses it too.
	if h := res.Headers404; h == nil || h.XRequestId == nil || *h.XRequestId != apiErr.RequestId {
		return fmt.Errorf("get missing character: X-Request-Id header %q, error.request_id %q",
			res.HTTPResponse.Header.Get("X-Request-Id"), apiErr.RequestId)
	}
	fmt.Printf("8. typed error: 404 %s %q (request %s)\n", apiErr.Code, apiErr.Message, apiErr.RequestId)
	return nil
}

// unexpected describes a response the flow did not expect, with its error code when the
// body is the standard ErrorResponse.
func unexpected(step string, res *http.Response, body []byte) error {
	status := 0
	if res != nil {
		status = res.StatusCode
	}
	var e gen.ErrorResponse
	if json.Unmarshal(body, &e) == nil && e.Error.Code != "" {
		return fmt.Errorf("%s: HTTP %d %s: %s", step, status, e.Error.Code, e.Error.Message)
	}
	if len(body) > 300 {
		body = body[:300]
	}
	return fmt.Errorf("%s: HTTP %d: %s", step, status, body)
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func ptr[T any](v T) *T { return &v }
