package engine

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/huntkit/huntkit/frame"
)

// sqlType is the DuckDB type a huntkit column type is stored as.
func sqlType(t frame.Type) string {
	switch t {
	case frame.Int:
		return "BIGINT"
	case frame.Float:
		return "DOUBLE"
	case frame.Bool:
		return "BOOLEAN"
	case frame.Time:
		return "TIMESTAMP"
	case frame.Dynamic:
		return "JSON"
	}
	return "VARCHAR"
}

// Register stores f as table (replacing a table of that name) through DuckDB's appender.
func (w *Workspace) Register(ctx context.Context, table string, f *frame.Frame) error {
	if table == "" {
		return fmt.Errorf("register frame: empty table name")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var ddl strings.Builder
	ddl.WriteString("CREATE OR REPLACE TABLE ")
	ddl.WriteString(QuoteIdent(table))
	ddl.WriteString(" (")
	for i, c := range f.Columns() {
		if i > 0 {
			ddl.WriteString(", ")
		}
		ddl.WriteString(QuoteIdent(c.Name()))
		ddl.WriteByte(' ')
		if c.Type() == frame.Dynamic {
			// The appender would store JSON text as a JSON string; append the text to a
			// VARCHAR column and convert it to JSON afterwards.
			ddl.WriteString("VARCHAR")
		} else {
			ddl.WriteString(sqlType(c.Type()))
		}
	}
	ddl.WriteString(")")
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("register %s: %w", table, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, ddl.String()); err != nil {
		return fmt.Errorf("register %s: %w", table, sqlError(ctx, err))
	}
	if f.NumCols() == 0 || f.Len() == 0 {
		return nil
	}
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", table)
		if err != nil {
			return err
		}
		cols := f.Columns()
		row := make([]driver.Value, len(cols))
		for i := 0; i < f.Len(); i++ {
			if i&4095 == 0 && ctx.Err() != nil {
				app.Close()
				return ctx.Err()
			}
			for j, c := range cols {
				row[j] = driverValue(c, i)
			}
			if err := app.AppendRow(row...); err != nil {
				app.Close()
				return fmt.Errorf("row %d: %w", i, err)
			}
		}
		return app.Close()
	})
	if err == nil {
		for _, c := range f.Columns() {
			if c.Type() != frame.Dynamic {
				continue
			}
			col := QuoteIdent(c.Name())
			if _, aerr := conn.ExecContext(ctx, "ALTER TABLE "+QuoteIdent(table)+" ALTER "+col+" TYPE JSON USING json("+col+")"); aerr != nil {
				err = sqlError(ctx, aerr)
				break
			}
		}
	}
	if err != nil {
		// Do not leave a half-filled table behind.
		_, _ = w.db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+QuoteIdent(table))
		return fmt.Errorf("register %s: %w", table, err)
	}
	return nil
}

func driverValue(c *frame.Column, i int) driver.Value {
	if c.IsNull(i) {
		return nil
	}
	switch c.Type() {
	case frame.String:
		return c.Str(i)
	case frame.Int:
		return c.Int(i)
	case frame.Float:
		return c.Float(i)
	case frame.Bool:
		return c.Bool(i)
	case frame.Time:
		return c.Time(i)
	case frame.Dynamic:
		b, err := json.Marshal(c.Value(i))
		if err != nil {
			return nil
		}
		return string(b)
	}
	return nil
}
