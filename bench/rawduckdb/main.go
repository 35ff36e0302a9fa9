// Command rawduckdb runs SQL statements on an in-memory DuckDB through duckdb-go and
// database/sql, reading every result row into Go values: the "raw DuckDB" side of the
// whole-process benchmarks in bench/whole.sh (the duckdb CLI is not installed).
//
//	rawduckdb "CREATE TABLE t AS SELECT * FROM read_csv('x.csv')" "SELECT count(*) FROM t"
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rawduckdb SQL...")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "rawduckdb:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, stmts []string) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "SET TimeZone='UTC'"); err != nil {
		return err
	}
	for _, q := range stmts {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			n++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		fmt.Printf("%d rows\n", n)
	}
	return nil
}
