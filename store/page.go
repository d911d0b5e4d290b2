package store

import (
	"context"
	"fmt"

	"github.com/troupe-ai/troupe/domain"
)

// listPage runs one tenant-scoped list: the total matching `where`, then the page of rows,
// newest first. Every list in the store goes through it, so they all page the same way.
func listPage[T any](ctx context.Context, db *DB, table, columns, where string, args []any, page domain.Page, scan func(scanner) (*T, error)) ([]T, int, error) {
	var total int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count %s: %w", table, err)
	}
	rows, err := db.readRows(ctx, `SELECT `+columns+` FROM `+table+` WHERE `+where+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list %s: %w", table, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list %s: %w", table, err)
	}
	return out, total, nil
}
