package recognition

import (
	"container/list"
	"context"
	"crypto/sha256"
	"sync"

	"github.com/troupe-ai/troupe/local/command"
)

// maxGrammars is how many phrase sets keep warm decoders; the least recently used beyond
// it are stopped. Games listen for the same few phrase sets again and again, and a
// grammar's decoder is small (about 10 MB, against 100 MB with the language model).
const maxGrammars = 8

// pools keeps warm decoders: one pool for the language model and one per phrase set
// (keyed by its grammar), each with at most limit processes. A request takes an idle
// decoder, or waits for one being started; when it takes the last idle one, a spare is
// started in the background, so the next request finds one warm. Decoders are reused
// until Close, a failure or a cancelled request (which kills the process).
type pools struct {
	program func() (string, error) // the decoder's path
	limit   int

	// ctx ends at close, stopping decoders that are still loading.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // decoders being started in the background

	mu       sync.Mutex
	closed   bool
	open     *pool
	grammars map[[sha256.Size]byte]*pool
	lru      *list.List // of *pool, most recently used first
	running  map[*decoder]struct{}
	// started, when set (by tests), is told of every decoder started.
	started func(*decoder)
}

// pool is the decoders of one configuration. Its fields are guarded by pools.mu.
type pool struct {
	spec    *decoderSpec // nil: the language model
	key     [sha256.Size]byte
	elem    *list.Element
	idle    []*decoder
	busy    int
	loading int
	waiting int
	evicted bool
	// failures counts failed starts; a waiter fails when one happens while it waits.
	failures int
	lastErr  error
	// changed is closed (and replaced) whenever a decoder becomes idle or fails to start.
	changed chan struct{}
}

func newPools(program func() (string, error), limit int) *pools {
	ctx, cancel := context.WithCancel(context.Background())
	return &pools{
		program: program, limit: max(1, limit), ctx: ctx, cancel: cancel,
		grammars: map[[sha256.Size]byte]*pool{}, lru: list.New(), running: map[*decoder]struct{}{},
	}
}

// get returns the pool for a configuration, creating it, and for a grammar marking it
// the most recently used (which may stop the least recently used one's decoders).
func (ps *pools) get(spec *decoderSpec) *pool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if spec == nil {
		if ps.open == nil {
			ps.open = &pool{changed: make(chan struct{})}
		}
		return ps.open
	}
	key := sha256.Sum256([]byte(spec.fsg + "\x00" + spec.dict))
	if p, ok := ps.grammars[key]; ok {
		ps.lru.MoveToFront(p.elem)
		return p
	}
	p := &pool{spec: spec, key: key, changed: make(chan struct{})}
	p.elem = ps.lru.PushFront(p)
	ps.grammars[key] = p
	for e := ps.lru.Back(); e != nil && ps.lru.Len() > maxGrammars; {
		prev := e.Prev()
		if old := e.Value.(*pool); old.busy+old.waiting+old.loading == 0 {
			ps.evict(old)
		}
		e = prev
	}
	return p
}

// evict stops a grammar's idle decoders and forgets it; decoders in use or loading are
// stopped when they come back. Called with mu held.
func (ps *pools) evict(p *pool) {
	p.evicted = true
	ps.lru.Remove(p.elem)
	delete(ps.grammars, p.key)
	for _, d := range p.idle {
		ps.stop(d, false)
	}
	p.idle = nil
}

// acquire returns an idle decoder of p, waiting for one to be started if there is none.
func (ps *pools) acquire(ctx context.Context, p *pool) (*decoder, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p.waiting++
	defer func() { p.waiting-- }()
	failures := p.failures
	for {
		switch {
		case ps.closed:
			return nil, errDecoderClosed
		case len(p.idle) > 0:
			d := p.idle[len(p.idle)-1] // the most recently used: its pages are warmest
			p.idle = p.idle[:len(p.idle)-1]
			p.busy++
			ps.refill(p)
			return d, nil
		case p.failures != failures:
			return nil, p.lastErr
		}
		if p.loading < p.waiting && p.busy+p.loading < ps.limit {
			ps.start(p)
		}
		changed := p.changed
		ps.mu.Unlock()
		select {
		case <-changed:
			ps.mu.Lock()
		case <-ctx.Done():
			ps.mu.Lock()
			return nil, command.ContextError(ctx)
		}
	}
}

// release gives back a decoder acquired from p; a decoder that failed (or was killed) is
// stopped and replaced.
func (ps *pools) release(p *pool, d *decoder, ok bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p.busy--
	switch {
	case !ok:
		ps.stop(d, true)
		ps.refill(p)
	case ps.closed || p.evicted && p.waiting == 0:
		ps.stop(d, false)
	default:
		p.idle = append(p.idle, d)
		p.notify()
	}
}

// refill starts a spare decoder in the background when p has none idle or loading and
// room for one. Called with mu held.
func (ps *pools) refill(p *pool) {
	if !ps.closed && !p.evicted && len(p.idle) == 0 && p.loading == 0 && p.busy < ps.limit {
		ps.start(p)
	}
}

// start starts a decoder for p in the background; it joins p's idle decoders once its
// model is loaded. Called with mu held.
func (ps *pools) start(p *pool) {
	p.loading++
	ps.wg.Add(1)
	go func() {
		defer ps.wg.Done()
		d, err := ps.launch(p.spec)
		if err == nil {
			err = d.ready(ps.ctx)
		}
		ps.mu.Lock()
		defer ps.mu.Unlock()
		p.loading--
		switch {
		case err != nil:
			if d != nil {
				ps.stop(d, true)
			}
			p.failures++
			p.lastErr = err
		case ps.closed || p.evicted && p.waiting == 0:
			ps.stop(d, false)
		default:
			p.idle = append(p.idle, d)
		}
		p.notify()
	}()
}

// launch starts a decoder process and registers it.
func (ps *pools) launch(spec *decoderSpec) (*decoder, error) {
	bin, err := ps.program()
	if err != nil {
		return nil, err
	}
	d, err := startDecoder(bin, spec)
	if err != nil {
		return nil, err
	}
	ps.mu.Lock()
	if ps.closed {
		ps.mu.Unlock()
		d.kill()
		d.close()
		return nil, errDecoderClosed
	}
	ps.running[d] = struct{}{}
	hook := ps.started
	ps.mu.Unlock()
	if hook != nil {
		hook(d)
	}
	return d, nil
}

// stop ends a running decoder in the background: killed if it failed, else asked to
// exit. Called with mu held.
func (ps *pools) stop(d *decoder, kill bool) {
	if _, ok := ps.running[d]; !ok {
		return // already stopped
	}
	delete(ps.running, d)
	if kill {
		d.kill()
	}
	ps.wg.Add(1)
	go func() {
		defer ps.wg.Done()
		d.close()
	}()
}

// close stops every decoder, in use or not, and waits until all have exited.
func (ps *pools) close() {
	ps.mu.Lock()
	ps.closed = true
	ps.cancel()
	idle := map[*decoder]bool{}
	for _, p := range ps.all() {
		for _, d := range p.idle {
			idle[d] = true
		}
		p.idle = nil
		p.notify()
	}
	for d := range ps.running {
		ps.stop(d, !idle[d]) // decoders in use are killed: their requests fail
	}
	ps.mu.Unlock()
	ps.wg.Wait()
}

// all is every pool. Called with mu held.
func (ps *pools) all() []*pool {
	var out []*pool
	if ps.open != nil {
		out = append(out, ps.open)
	}
	for e := ps.lru.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*pool))
	}
	return out
}

// notify wakes the requests waiting on p. Called with mu held.
func (p *pool) notify() {
	close(p.changed)
	p.changed = make(chan struct{})
}
