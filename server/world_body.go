package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/internal/lru"
)

// worldBodies keeps the encoded JSON of recently read worlds, so GET /v1/worlds/{id}
// sends bytes it already has instead of encoding some ten kilobytes by reflection on
// every read (a quarter of the read's time). A world's body changes only with its
// lorebook ids (everything else is fixed at creation), so the key holds them: a world
// whose books changed, read from the database as ever, misses and is encoded afresh. A
// deleted world is never answered from here, since the read that finds it comes first.
type worldBodies = lru.Cache[string, worldBody]

// worldBodiesSize is how many worlds' bodies a server keeps: a medium world's body is
// about 11 KB.
const worldBodiesSize = 256

func newWorldBodies() *worldBodies { return lru.New[string, worldBody](worldBodiesSize) }

// worldBodyKey names the body of w: its data space, id and lorebook ids.
func worldBodyKey(w *domain.World) string {
	return w.TenantID + "\x00" + w.ID + "\x00" + strings.Join(w.LorebookIDs, ",")
}

// worldBody is a world's encoded JSON, answered as GET /v1/worlds/{id}'s 200.
type worldBody []byte

var _ gen.GetWorldResponseObject = worldBody(nil)

// bodyOfWorld returns w's body, from the cache or encoded as the generated response
// would encode it (json.Encoder, so with its final newline and HTML escaping).
func (h *handlers) bodyOfWorld(w *domain.World) (worldBody, error) {
	key := worldBodyKey(w)
	if b, ok := h.worldBodies.Get(key); ok {
		return b, nil
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(toWorld(w)); err != nil {
		return nil, err
	}
	// Cloned so the cache does not keep the buffer's spare capacity.
	b := worldBody(bytes.Clone(buf.Bytes()))
	h.worldBodies.Put(key, b)
	return b, nil
}

// VisitGetWorldResponse writes the body as the 200 answer.
func (b worldBody) VisitGetWorldResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b)
	return err
}
