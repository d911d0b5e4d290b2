package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

var _ domain.LorebookStore = (*DB)(nil)

const lorebookColumns = `id, tenant_id, name, description, scan_depth, token_budget, recursive_scanning,
	world_id, extensions, entries, created_at, updated_at`

// The JSON shapes of lorebooks.entries, kept apart from the domain types as the other JSON
// columns are, so renaming a domain field never changes what is stored.
type (
	loreEntryJSON struct {
		ID             string              `json:"id"`
		Name           string              `json:"name"`
		Comment        string              `json:"comment"`
		Keys           []string            `json:"keys"`
		SecondaryKeys  []string            `json:"secondary_keys"`
		Selective      bool                `json:"selective"`
		SelectiveLogic string              `json:"selective_logic"`
		Content        string              `json:"content"`
		Constant       bool                `json:"constant"`
		Enabled        bool                `json:"enabled"`
		CaseSensitive  bool                `json:"case_sensitive"`
		UseRegex       bool                `json:"use_regex"`
		InsertionOrder int                 `json:"insertion_order"`
		Priority       int                 `json:"priority"`
		Position       string              `json:"position"`
		Category       string              `json:"category"`
		Decorators     []loreDecoratorJSON `json:"decorators"`
		// Extensions stay raw here and are decoded with UseNumber, so a card's numbers
		// (an id beyond 2^53, "1.50") are exported exactly as they were imported.
		Extensions json.RawMessage `json:"extensions"`
	}
	loreDecoratorJSON struct {
		Name      string `json:"name"`
		Value     string `json:"value"`
		Supported bool   `json:"supported"`
	}
)

// CreateLorebook stores a new lorebook with its entries.
func (db *DB) CreateLorebook(ctx context.Context, b *domain.Lorebook) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.insertLorebook(ctx, tx, b) })
}

// insertLorebook is CreateLorebook inside a transaction, which character and world
// creation share to store a card's or a world's book with its owner.
func (db *DB) insertLorebook(ctx context.Context, tx *sql.Tx, b *domain.Lorebook) error {
	ext, entries, err := encodeLorebook(b)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO lorebooks (`+lorebookColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		b.ID, b.TenantID, b.Name, b.Description, b.ScanDepth, b.TokenBudget, boolInt(b.RecursiveScanning),
		b.WorldID, string(ext), entries, b.CreatedAt.UnixMicro(), b.UpdatedAt.UnixMicro()); err != nil {
		return fmt.Errorf("store: insert lorebook: %w", err)
	}
	return nil
}

// encodeLorebook is the book's extensions and entries as stored.
func encodeLorebook(b *domain.Lorebook) ([]byte, string, error) {
	ext, err := encodeExtensions(b.Extensions)
	if err != nil {
		return nil, "", fmt.Errorf("store: encode lorebook %s: %w", b.ID, err)
	}
	entries, err := encodeLoreEntries(b.Entries)
	if err != nil {
		return nil, "", fmt.Errorf("store: encode lorebook %s: %w", b.ID, err)
	}
	return ext, entries, nil
}

// GetLorebook returns the tenant's lorebook with its entries, or domain.ErrNotFound.
func (db *DB) GetLorebook(ctx context.Context, tenantID, id string) (*domain.Lorebook, error) {
	row := db.readRow(ctx, `SELECT `+lorebookColumns+` FROM lorebooks WHERE tenant_id = ? AND id = ?`, tenantID, id)
	b, err := scanLorebook(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	return b, err
}

// ListLorebooks returns a page of the tenant's lorebooks with their entries, newest
// first, and the total.
func (db *DB) ListLorebooks(ctx context.Context, tenantID string, page domain.Page) ([]domain.Lorebook, int, error) {
	return listPage(ctx, db, "lorebooks", lorebookColumns, `tenant_id = ?`, []any{tenantID}, page, scanLorebook)
}

// UpdateLorebook replaces the book's fields and entries when its stored updated_at is
// still previous, or returns domain.ErrConflict changing nothing, or domain.ErrNotFound.
// The caller's b.UpdatedAt must differ from previous, or the compare-and-set guards
// nothing. WorldID and CreatedAt are where the book came from and are left alone.
func (db *DB) UpdateLorebook(ctx context.Context, b *domain.Lorebook, previous time.Time) error {
	ext, entries, err := encodeLorebook(b)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		// On PostgreSQL a second writer with the same previous waits for the first's row
		// lock, then re-checks updated_at against the row the first committed and changes
		// nothing; on SQLite writers are serialised anyway.
		res, err := tx.ExecContext(ctx, db.q(`UPDATE lorebooks SET name = ?, description = ?, scan_depth = ?,
			token_budget = ?, recursive_scanning = ?, extensions = ?, entries = ?, updated_at = ?
			WHERE tenant_id = ? AND id = ? AND updated_at = ?`),
			b.Name, b.Description, b.ScanDepth, b.TokenBudget, boolInt(b.RecursiveScanning), string(ext), entries,
			b.UpdatedAt.UnixMicro(), b.TenantID, b.ID, previous.UnixMicro())
		if err != nil {
			return fmt.Errorf("store: update lorebook: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: update lorebook: %w", err)
		} else if n == 1 {
			return nil
		}
		var one int
		err = tx.QueryRowContext(ctx, db.q(`SELECT 1 FROM lorebooks WHERE tenant_id = ? AND id = ?`), b.TenantID, b.ID).Scan(&one)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return domain.ErrNotFound
		case err != nil:
			return fmt.Errorf("store: update lorebook: %w", err)
		}
		return domain.ErrConflict
	})
}

// DeleteLorebook deletes the book and every link to it from characters and worlds, in one
// transaction, or returns domain.ErrNotFound.
func (db *DB) DeleteLorebook(ctx context.Context, tenantID, id string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		// The book row first: its lock makes a concurrent attach (which share-locks the
		// books it links, see setLorebookLinks) either finish before the links are deleted
		// here or find the book gone.
		res, err := tx.ExecContext(ctx, db.q(`DELETE FROM lorebooks WHERE tenant_id = ? AND id = ?`), tenantID, id)
		if err != nil {
			return fmt.Errorf("store: delete lorebook: %w", err)
		}
		if err := oneRow(res); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM lorebook_links WHERE tenant_id = ? AND lorebook_id = ?`), tenantID, id); err != nil {
			return fmt.Errorf("store: delete lorebook links: %w", err)
		}
		return nil
	})
}

// MissingLorebooks returns those of ids that are not the tenant's lorebooks, each once, in
// the order given; nil when all are.
func (db *DB) MissingLorebooks(ctx context.Context, tenantID string, ids []string) ([]string, error) {
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	found, err := db.existingLorebooks(ctx, db.read, tenantID, ids, "")
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, id := range ids {
		if !found[id] {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

// LorebooksOf returns, with their entries, the books attached to the owners (characters
// and worlds, by id): the first owner's in their order, then each next owner's not already
// returned. One query serves all the owners.
func (db *DB) LorebooksOf(ctx context.Context, tenantID string, ownerIDs []string) ([]domain.Lorebook, error) {
	ownerIDs = uniqueIDs(ownerIDs)
	if len(ownerIDs) == 0 {
		return nil, nil
	}
	rank := make(map[string]int, len(ownerIDs))
	args := []any{tenantID}
	for i, id := range ownerIDs {
		rank[id] = i
		args = append(args, id)
	}
	rows, err := db.readRows(ctx, `SELECT l.owner_id, l.position, `+prefixColumns("b.", lorebookColumns)+`
		FROM lorebook_links l JOIN lorebooks b ON b.tenant_id = l.tenant_id AND b.id = l.lorebook_id
		WHERE l.tenant_id = ? AND l.owner_id IN (`+placeholders(len(ownerIDs))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: lorebooks of: %w", err)
	}
	defer rows.Close()
	type linked struct {
		owner, position int
		book            *domain.Lorebook
	}
	var all []linked
	for rows.Next() {
		var (
			owner    string
			position int
		)
		b, err := scanLorebookWith(rows, &owner, &position)
		if err != nil {
			return nil, err
		}
		all = append(all, linked{owner: rank[owner], position: position, book: b})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: lorebooks of: %w", err)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].owner != all[j].owner {
			return all[i].owner < all[j].owner
		}
		return all[i].position < all[j].position
	})
	var out []domain.Lorebook
	seen := map[string]bool{}
	for _, l := range all {
		if !seen[l.book.ID] {
			seen[l.book.ID] = true
			out = append(out, *l.book)
		}
	}
	return out, nil
}

// existingLorebooks returns which of ids are the tenant's lorebooks. lock is appended to
// the query (a row-locking clause, or "").
func (db *DB) existingLorebooks(ctx context.Context, q querier, tenantID string, ids []string, lock string) (map[string]bool, error) {
	args := []any{tenantID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, db.q(`SELECT id FROM lorebooks WHERE tenant_id = ? AND id IN (`+placeholders(len(ids))+`)`+lock), args...)
	if err != nil {
		return nil, fmt.Errorf("store: find lorebooks: %w", err)
	}
	defer rows.Close()
	found := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		found[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find lorebooks: %w", err)
	}
	return found, nil
}

// setLorebookLinks replaces the owner's links with ids, in order, inside the owner's
// transaction, and returns the ids it stored: duplicates are dropped (the first stays)
// and so are ids that are not the tenant's lorebooks, so a book of another tenant can
// never be attached and one deleted since the caller checked is not attached either. The
// result is nil for none, as a character without books is written.
func (db *DB) setLorebookLinks(ctx context.Context, tx *sql.Tx, tenantID, ownerID string, ids []string) ([]string, error) {
	ids = uniqueIDs(ids)
	var kept []string
	if len(ids) > 0 {
		// On PostgreSQL the books are share-locked until commit, so a DeleteLorebook
		// running now either commits first (and the book is not found here) or waits for
		// this transaction and then deletes the links it made. The lock is taken before
		// this owner's old links are touched, so the two never wait on each other in a
		// cycle. SQLite has one writer: nothing runs in between.
		lock := ""
		if db.dialect == Postgres {
			lock = ` FOR SHARE`
		}
		found, err := db.existingLorebooks(ctx, tx, tenantID, ids, lock)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if found[id] {
				kept = append(kept, id)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM lorebook_links WHERE tenant_id = ? AND owner_id = ?`), tenantID, ownerID); err != nil {
		return nil, fmt.Errorf("store: replace lorebook links: %w", err)
	}
	for i, id := range kept {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO lorebook_links (tenant_id, owner_id, lorebook_id, position) VALUES (?, ?, ?, ?)`),
			tenantID, ownerID, id, i); err != nil {
			return nil, fmt.Errorf("store: insert lorebook link: %w", err)
		}
	}
	return kept, nil
}

// lorebookIDsColumn is a column of a select from table (characters or worlds) giving the
// row's attached book ids in position order, comma-separated (ids hold no commas), or
// NULL for none, so an owner or a page of them is read with their books in one query.
// Links are joined with their books, so a link whose book is gone is never reported.
func lorebookIDsColumn(table string) string {
	return `(SELECT string_agg(l.lorebook_id, ',' ORDER BY l.position)
		FROM lorebook_links l JOIN lorebooks b ON b.tenant_id = l.tenant_id AND b.id = l.lorebook_id
		WHERE l.tenant_id = ` + table + `.tenant_id AND l.owner_id = ` + table + `.id)`
}

// withLorebookIDs scans a row whose last column is lorebookIDsColumn's into ids, around
// a scan function that knows only the owner's own columns.
type withLorebookIDs struct {
	row scanner
	ids *sql.NullString
}

func (w withLorebookIDs) Scan(dest ...any) error { return w.row.Scan(append(dest, w.ids)...) }

// splitIDs is the ids of lorebookIDsColumn's value; nil for none.
func splitIDs(s sql.NullString) []string {
	if !s.Valid || s.String == "" {
		return nil
	}
	return strings.Split(s.String, ",")
}

// ownBook checks that a book stored with its owner belongs to the owner's tenant: the
// link is the owner's tenant's, and a book of another would be attached to nothing.
func ownBook(b *domain.Lorebook, tenantID string) error {
	if b.TenantID != tenantID {
		return fmt.Errorf("store: lorebook %s is of tenant %q, not its owner's %q", b.ID, b.TenantID, tenantID)
	}
	return nil
}

func scanLorebook(s scanner) (*domain.Lorebook, error) { return scanLorebookWith(s) }

// scanLorebookWith scans a lorebook row whose columns follow the extra ones.
func scanLorebookWith(s scanner, extra ...any) (*domain.Lorebook, error) {
	var (
		b                    domain.Lorebook
		recursive            int
		ext, entries         string
		createdAt, updatedAt int64
	)
	dest := append(extra, &b.ID, &b.TenantID, &b.Name, &b.Description, &b.ScanDepth, &b.TokenBudget, &recursive,
		&b.WorldID, &ext, &entries, &createdAt, &updatedAt)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if b.Extensions, err = decodeExtensions([]byte(ext)); err != nil {
		return nil, fmt.Errorf("store: decode lorebook %s: %w", b.ID, err)
	}
	if b.Entries, err = decodeLoreEntries(entries); err != nil {
		return nil, fmt.Errorf("store: decode lorebook %s: %w", b.ID, err)
	}
	b.RecursiveScanning = recursive != 0
	b.CreatedAt, b.UpdatedAt = time.UnixMicro(createdAt).UTC(), time.UnixMicro(updatedAt).UTC()
	return &b, nil
}

func encodeLoreEntries(entries []domain.LoreEntry) (string, error) {
	out := make([]loreEntryJSON, len(entries))
	for i, e := range entries {
		ext, err := encodeExtensions(e.Extensions)
		if err != nil {
			return "", fmt.Errorf("entry %s: %w", e.ID, err)
		}
		decorators := make([]loreDecoratorJSON, len(e.Decorators))
		for j, d := range e.Decorators {
			decorators[j] = loreDecoratorJSON{Name: d.Name, Value: d.Value, Supported: d.Supported}
		}
		out[i] = loreEntryJSON{
			ID: e.ID, Name: e.Name, Comment: e.Comment, Keys: nonNil(e.Keys), SecondaryKeys: nonNil(e.SecondaryKeys),
			Selective: e.Selective, SelectiveLogic: e.SelectiveLogic, Content: e.Content, Constant: e.Constant,
			Enabled: e.Enabled, CaseSensitive: e.CaseSensitive, UseRegex: e.UseRegex, InsertionOrder: e.InsertionOrder,
			Priority: e.Priority, Position: e.Position, Category: e.Category, Decorators: decorators, Extensions: ext,
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// decodeLoreEntries reads what encodeLoreEntries wrote. Empty lists and objects read as
// nil, as the domain writes "none".
func decodeLoreEntries(raw string) ([]domain.LoreEntry, error) {
	var in []loreEntryJSON
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return nil, err
	}
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]domain.LoreEntry, len(in))
	for i, e := range in {
		ext, err := decodeExtensions(e.Extensions)
		if err != nil {
			return nil, fmt.Errorf("entry %s: %w", e.ID, err)
		}
		var decorators []domain.LoreDecorator
		for _, d := range e.Decorators {
			decorators = append(decorators, domain.LoreDecorator{Name: d.Name, Value: d.Value, Supported: d.Supported})
		}
		out[i] = domain.LoreEntry{
			ID: e.ID, Name: e.Name, Comment: e.Comment, Keys: nilIfEmpty(e.Keys), SecondaryKeys: nilIfEmpty(e.SecondaryKeys),
			Selective: e.Selective, SelectiveLogic: e.SelectiveLogic, Content: e.Content, Constant: e.Constant,
			Enabled: e.Enabled, CaseSensitive: e.CaseSensitive, UseRegex: e.UseRegex, InsertionOrder: e.InsertionOrder,
			Priority: e.Priority, Position: e.Position, Category: e.Category, Decorators: decorators, Extensions: ext,
		}
	}
	return out, nil
}

// encodeExtensions writes a card's extensions object; none is written as {}.
func encodeExtensions(ext map[string]any) (json.RawMessage, error) {
	if len(ext) == 0 {
		return json.RawMessage(`{}`), nil
	}
	b, err := json.Marshal(ext)
	if err != nil {
		return nil, fmt.Errorf("extensions: %w", err)
	}
	return b, nil
}

// decodeExtensions reads an extensions object with numbers as json.Number, which writes
// back exactly the digits it read: a float64 would round a large integer id. An empty
// object (or none) reads as nil.
func decodeExtensions(raw []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	var ext map[string]any
	if err := decodeExact(string(raw), &ext); err != nil {
		return nil, fmt.Errorf("extensions: %w", err)
	}
	if len(ext) == 0 {
		return nil, nil
	}
	return ext, nil
}

// uniqueIDs returns ids without repeats, the first of each kept, in order.
func uniqueIDs(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// prefixColumns qualifies each of a comma-separated column list with prefix ("b.").
func prefixColumns(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
